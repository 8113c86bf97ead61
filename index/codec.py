"""artsearch's postings codec: Whoosh's W3 codec with postings stored as compact arrays.

Whoosh's ``W3Codec`` pickles every block of 128 postings as one zlib-compressed tuple
(ids, weights, values): reading one document id unpickles the positions too, and the
writer asserts, pickles and compresses per posting and per block. ``ArtCodec`` keeps
everything else of W3 (term table, ``W3TermInfo`` statistics, columns, stored fields,
segments, vectors) and replaces only the postings of the inverted index, through
Whoosh's codec API (``ix.writer(codec=ArtCodec())``; each segment pickles its codec, so
readers follow it and old W3 segments stay readable).

A term's postings, little-endian, in one run of the ``.pst`` file (its extent is in
the term's ``W3TermInfo``; the number of postings is the term's document frequency)::

    flags           u8     bits 0-1 weight kind (0 one weight for all, 1 u8, 2 u16,
                           3 f32); bit 2 values present; bits 3-4 value-length width
    [weight         f32]   kind 0 only
    last_ids        u32[nblocks]   per block: its last document number
    max_weights     f32[nblocks]   per block: its highest weight       (top-k pruning)
    min_lengths     u8[nblocks]    per block: shortest field length, Whoosh's byte code
    max_lengths     u8[nblocks]    per block: longest field length, Whoosh's byte code
    id_widths       u8[nblocks]    per block: bytes per id delta (1, 2 or 4)
    ids                            per block: deltas from the previous block's last id
    weights         kind[n]        absent for kind 0
    value_lengths   width[n]       absent without values
    values                         the Format's value bytes (positions), concatenated

Ids, weights and values are separate arrays, so reading a term's ids (matching,
facets, document sets) decodes neither its weights nor its positions; ids decode one
block at a time (a memoryview cast and ``itertools.accumulate``), and ``skip_to`` finds its block by binary search
over ``last_ids``. Block statistics are those W3 keeps (same block size, same byte
coding of lengths), so Whoosh's block-quality pruning decides exactly as on W3.
Weights are float32 as W3 stores them (integers exactly as u8/u16), so scores are equal.
"""

from __future__ import annotations

import mmap
import os
import sys
from array import array
from bisect import bisect_left
from itertools import accumulate
from typing import Any

from whoosh.codec import base
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3TermsReader, _lenfield
from whoosh.matching import LeafMatcher, ReadTooFar
from whoosh.util.numeric import byte_to_length, length_to_byte

BLOCK = 128
_ID_CODES = {1: "B", 2: "H", 4: "I"}
_W_CONST, _W_U8, _W_U16, _W_F32 = 0, 1, 2, 3
_W_CODES = {_W_U8: "B", _W_U16: "H", _W_F32: "f"}
_W_SIZES = {_W_U8: 1, _W_U16: 2, _W_F32: 4}
_HAS_VALUES = 4
_BIG_ENDIAN = sys.byteorder == "big"


def _le(a: array) -> bytes:
    if _BIG_ENDIAN:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _width(largest: int) -> int:
    return 1 if largest < 0x100 else 2 if largest < 0x10000 else 4


class ArtCodec(W3Codec):
    """W3 with artsearch's array postings (see the module docstring)."""

    def __init__(self, blocklimit: int = BLOCK, compression: int = 3, inlinelimit: int = 1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors: W3's own, read back by W3's reader
            return super().postings_writer(dbfile, byteids=True)
        return ArtPostingsWriter(dbfile, self._blocklimit)

    def field_writer(self, storage, segment):
        return ArtFieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        tilen = storage.file_length(tiname)
        tifile = storage.open_file(tiname)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        return ArtTermsReader(self, tifile, tilen, postfile)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():  # never written by ArtPostingsWriter; W3's path
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        return ArtLeafMatcher(dbfile, terminfo, format_, term=term, scorer=scorer)


class ArtFieldWriter(W3FieldWriter):
    """W3's field writer with a tighter loop over the sorted postings: each field's
    document lengths are read once per field (W3 seeks and reads the length column per
    posting), and a posting is four list appends instead of two method calls."""

    def add_postings(self, schema, lengths, items):
        if lengths is None or not hasattr(lengths, "_cached_reader"):
            return super().add_postings(schema, lengths, items)
        field_lengths = _FieldLengths(lengths)
        lastfn = lasttext = None
        lens: list = []
        ids: list = []
        weights: list = []
        values: list = []
        plens: list = []
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
                lens = field_lengths.of(fieldname)
            if docnum == -1:  # Whoosh's spelling-word marker (as in FieldWriter.add_postings)
                continue
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
                writer = self._postwriter
                ids, weights, values, plens = writer._ids, writer._weights, writer._values, writer._lengths
            ids.append(docnum)
            weights.append(weight)
            values.append(b"" if value is None else value)
            plens.append(lens[docnum] if lens else 0)
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()

    def add_term(self, btext, ids, weights, values: bytes | bytearray, sizes, lengths) -> None:
        """One term's postings at once, as arrays (index/bulkwrite.py): document numbers
        ascending, weights, the value bytes concatenated with each one's size, and each
        document's field length as ``doc_field_length`` answers it (0 for none)."""
        self.start_term(btext)
        writer = self._postwriter
        writer._ids = ids
        writer._weights = weights
        writer._values = None
        writer._value_blob = values
        writer._value_sizes = sizes
        writer._lengths = lengths
        self.finish_term()


# Whoosh's byte code of a field length -> the length doc_field_length returns (0: None).
_LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]


class _FieldLengths:
    """Each field's document lengths (as ``doc_field_length`` returns them) from its whole
    length column, read at once."""

    def __init__(self, perdoc):
        self._perdoc = perdoc

    def of(self, fieldname: str) -> list:
        reader = self._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if reader is None:
            return []
        if getattr(reader, "_typecode", None) == "B" and hasattr(reader, "_dbfile"):
            lengths = list(map(_LENGTHS.__getitem__, reader._dbfile.get(reader._basepos, reader._count)))
            lengths.extend([None] * (reader._doccount - len(lengths)))
            return lengths
        return [_LENGTHS[b] for b in reader]


class ArtTermsReader(W3TermsReader):
    """W3's term table; postings are read from a memory map of the postings file."""

    def __init__(self, codec, dbfile, length, postfile):
        super().__init__(codec, dbfile, length, postfile)
        self._postbuf = _map(postfile)

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        terminfo = self.term_info(fieldname, tbytes)
        return self._codec.postings_reader(self._postbuf, terminfo, format_, term=(fieldname, tbytes),
                                           scorer=scorer)


def _map(postfile):
    """The whole postings file as a read-only buffer: a memory map of a real file (shared
    by every reader through the page cache), else its bytes."""
    f = postfile.file
    if hasattr(f, "fileno"):
        try:
            if os.fstat(f.fileno()).st_size == 0:
                return b""
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            pass
    if hasattr(f, "getvalue"):
        return f.getvalue()
    postfile.seek(0)
    return postfile.read()


class ArtPostingsWriter(base.PostingsWriter):
    """Buffers one term's postings and writes them as arrays at ``finish_postings``."""

    def __init__(self, postfile, blocklimit: int = BLOCK):
        self._postfile = postfile
        self._blocklimit = blocklimit
        self._terminfo: Any = None
        self._format: Any = None

    def start_postings(self, format_, terminfo):
        if self._terminfo is not None:
            raise Exception("Called start in a term")
        self._format = format_
        self._terminfo = terminfo
        self._ids: Any = []
        self._weights: Any = []
        self._values: Any = []  # or None, with the values as one blob and their sizes:
        self._value_blob: Any = None
        self._value_sizes: Any = None
        self._lengths: Any = []

    def add_posting(self, id_, weight, vbytes, length=None):
        self._ids.append(id_)
        self._weights.append(weight)
        self._values.append(vbytes)
        self._lengths.append(length)

    def written(self):
        return False

    def finish_postings(self):
        terminfo = self._terminfo
        ids, lengths, values = self._ids, self._lengths, self._values
        n = len(ids)
        bl = self._blocklimit
        weights = array("f", self._weights)  # float32, as W3 stores them
        wmin, wmax = min(weights), max(weights)
        if wmin == wmax:
            wkind = _W_CONST
        elif wmin >= 0 and all(map(float.is_integer, weights)):
            wkind = _W_U8 if wmax < 0x100 else _W_U16 if wmax < 0x10000 else _W_F32
        else:
            wkind = _W_F32
        fixed = self._format.fixed_value_size()
        sizes = self._value_sizes if values is None else [len(v) for v in values]
        has_values = fixed != 0 and any(sizes)
        flags = wkind
        head = array("f", [wmin]) if wkind == _W_CONST else None
        last_ids = array("I")
        max_w = array("f")
        min_l = array("B")
        max_l = array("B")
        widths = array("B")
        idparts = []
        prev = 0
        total_min = None
        total_max = 0
        total_weight = 0.0
        for s in range(0, n, bl):
            block = ids[s:s + bl]
            deltas = [block[0] - prev]
            deltas.extend(b - a for a, b in zip(block, block[1:], strict=False))
            w = _width(max(deltas))
            widths.append(w)
            idparts.append(_le(array(_ID_CODES[w], deltas)))
            prev = block[-1]
            last_ids.append(prev)
            max_w.append(max(weights[s:s + bl]))
            total_weight += sum(weights[s:s + bl])  # summed per block, as W3 does
            present = [x for x in lengths[s:s + bl] if x]
            mn = min(present) if present else None
            mx = max(present) if present else 0
            min_l.append(length_to_byte(mn))
            max_l.append(length_to_byte(mx))
            if mn is not None and (total_min is None or mn < total_min):
                total_min = mn
            total_max = max(total_max, mx)
        parts = [b""]
        if head is not None:
            parts.append(_le(head))
        parts.extend((_le(last_ids), _le(max_w), min_l.tobytes(), max_l.tobytes(), widths.tobytes()))
        parts.extend(idparts)
        if wkind == _W_U8:
            parts.append(array("B", map(int, weights)).tobytes())
        elif wkind == _W_U16:
            parts.append(_le(array("H", map(int, weights))))
        elif wkind == _W_F32:
            parts.append(_le(weights))
        if has_values:
            vw = _width(max(sizes))
            flags |= _HAS_VALUES | ({1: 0, 2: 1, 4: 2}[vw] << 3)
            parts.append(_le(array(_ID_CODES[vw], sizes)))
            parts.append(bytes(self._value_blob) if values is None else b"".join(values))
        parts[0] = bytes((flags,))
        data = b"".join(parts)
        offset = self._postfile.tell()
        self._postfile.write(data)
        # The term's statistics, as W3TermInfo.add_block sums them over W3's blocks.
        terminfo._weight = total_weight
        terminfo._df = n
        terminfo._minlength = total_min
        terminfo._maxlength = total_max
        terminfo._maxweight = wmax
        terminfo._minid = ids[0]
        terminfo._maxid = ids[-1]
        terminfo.set_extent(offset, len(data))
        self._terminfo = None
        return terminfo


def _read(raw: memoryview, code: str, count: int, pos: int):
    """``count`` little-endian items of array type ``code`` at ``pos``, as a sequence."""
    size = array(code).itemsize
    view = raw[pos:pos + size * count]
    if _BIG_ENDIAN:
        a = array(code, view.tobytes())
        a.byteswap()
        return a
    return view.cast(code)  # type: ignore[call-overload]


class ArtLeafMatcher(LeafMatcher):
    """Whoosh's ``Matcher`` over one term's array postings."""

    _ids: Any
    _weights: Any
    _all_weights: Any
    _value_offsets: Any

    def __init__(self, buf, terminfo, format_, term=None, scorer=None):
        self.format = format_
        self.scorer = scorer
        self._term = term
        self._terminfo = terminfo
        self._fixedsize = format_.fixed_value_size()
        # (W3TermInfo.from_bytes reads the extent's length as a tuple; only the offset is used.)
        offset = terminfo.extent()[0]
        n = self._n = terminfo.doc_frequency()
        nb = self._nb = -(-n // BLOCK)
        raw = memoryview(buf)[offset:]
        flags = raw[0]
        pos = 1
        wkind = flags & 3
        self._wconst: float | None = None
        if wkind == _W_CONST:
            self._wconst = _read(raw, "f", 1, pos)[0]
            pos += 4
        self._last_ids = _read(raw, "I", nb, pos).tolist()
        pos += 4 * nb
        self._max_w = _read(raw, "f", nb, pos).tolist()
        pos += 4 * nb
        self._min_l = raw[pos:pos + nb].tolist()
        pos += nb
        self._max_l = raw[pos:pos + nb].tolist()
        pos += nb
        widths = raw[pos:pos + nb].tolist()
        pos += nb
        self._widths = widths
        starts = [pos]
        for b, w in enumerate(widths):
            count = BLOCK if b < nb - 1 else n - BLOCK * (nb - 1)
            starts.append(starts[-1] + w * count)
        self._id_starts = starts
        pos = starts[-1]
        self._wkind = wkind
        self._wpos = pos
        if wkind != _W_CONST:
            pos += _W_SIZES[wkind] * n
        self._has_values = bool(flags & _HAS_VALUES)
        self._vwidth = (1, 2, 4)[(flags >> 3) & 3]
        self._vpos = pos
        self._raw = raw
        self._all_weights = None
        self._value_offsets = None
        self.reset()

    # Decoding (each array read only when asked for; memoryview casts and
    # itertools.accumulate decode a block of 128 faster than numpy's per-call overhead)

    def _load_block(self, b: int) -> None:
        self._block = b
        self._i = 0
        self._ids = None
        self._weights = None
        self._count = BLOCK if b < self._nb - 1 else self._n - BLOCK * (self._nb - 1)

    def _block_ids(self, b: int) -> list[int]:
        count = BLOCK if b < self._nb - 1 else self._n - BLOCK * (self._nb - 1)
        deltas = _read(self._raw, _ID_CODES[self._widths[b]], count, self._id_starts[b])
        ids = list(accumulate(deltas, initial=self._last_ids[b - 1] if b else 0))
        del ids[0]
        return ids

    def _read_weights(self) -> None:
        if self._wconst is not None:
            self._weights = [self._wconst] * self._count
            return
        if self._all_weights is None:
            self._all_weights = _read(self._raw, _W_CODES[self._wkind], self._n, self._wpos)
        s = self._block * BLOCK
        self._weights = [float(w) for w in self._all_weights[s:s + self._count]]

    def _value_at(self, k: int):
        if self._fixedsize == 0:
            return None
        if not self._has_values:
            return b""
        offsets = self._value_offsets
        if offsets is None:
            sizes = _read(self._raw, _ID_CODES[self._vwidth], self._n, self._vpos)
            self._value_offsets = offsets = list(accumulate(sizes, initial=self._vpos + self._vwidth * self._n))
        return self._raw[offsets[k]:offsets[k + 1]].tobytes()

    # The Matcher interface

    def reset(self):
        self._atend = self._n == 0
        self._load_block(0)

    def copy(self):
        c = object.__new__(type(self))
        c.__dict__.update(self.__dict__)
        return c

    def is_active(self):
        return not self._atend

    def id(self):
        if self._ids is None:
            self._ids = self._block_ids(self._block)
        return self._ids[self._i]

    def weight(self):
        if self._weights is None:
            self._read_weights()
        return self._weights[self._i]

    def value(self):
        return self._value_at(self._block * BLOCK + self._i)

    def _next_block(self) -> None:
        if self._block + 1 >= self._nb:
            self._atend = True
        else:
            self._load_block(self._block + 1)

    def next(self):
        if self._atend:
            raise ReadTooFar
        self._i += 1
        if self._i >= self._count:
            self._next_block()
            return True
        return False

    def skip_to(self, targetid):
        if self._atend:
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._last_ids[self._block]:
            b = bisect_left(self._last_ids, targetid, self._block + 1)
            if b >= self._nb:
                self._atend = True
                return
            self._load_block(b)
        self.id()  # decodes the block
        self._i = bisect_left(self._ids, targetid, self._i)

    def skip_to_quality(self, minquality):
        block_quality = self.block_quality
        if block_quality() > minquality:
            return 0
        skipped = 0
        while not self._atend and block_quality() <= minquality:
            self._next_block()
            skipped += 1
        return skipped

    def block_min_id(self):
        self.id()
        return self._ids[0]

    def block_max_id(self):
        return self._last_ids[self._block]

    def block_min_length(self):
        return byte_to_length(self._min_l[self._block])

    def block_max_length(self):
        return byte_to_length(self._max_l[self._block])

    def block_max_weight(self):
        return self._max_w[self._block]

    def all_ids(self):
        """The remaining ids, a block at a time, without reading weights or values."""
        while not self._atend:
            if self._ids is None:
                self._ids = self._block_ids(self._block)
            yield from self._ids[self._i:] if self._i else self._ids
            self._next_block()

    def all_items(self):
        while not self._atend:
            if self._ids is None:
                self._ids = self._block_ids(self._block)
            s = self._block * BLOCK
            for i in range(self._i, self._count):
                self._i = i
                yield self._ids[i], self._value_at(s + i)
            self._next_block()


# The codecs ``reindex --codec`` (or ARTSEARCH_CODEC) chooses between. artsearch's is the
# default since it won on build, search and size with identical results (tests/test_codec.py,
# tests/test_bulkwrite.py; bench/indexing.py, bench/codec.py; docs/decisions.md). Indexes
# written with Whoosh's stay readable: each segment names its codec.
CODECS = ("whoosh", "artsearch")
DEFAULT_CODEC = "artsearch"
CODEC_ENV = "ARTSEARCH_CODEC"


def codec_choice(name: str | None = None) -> str:
    """The codec to write with: ``name``, else $ARTSEARCH_CODEC, else the default."""
    chosen = name or os.environ.get(CODEC_ENV) or DEFAULT_CODEC
    if chosen not in CODECS:
        raise ValueError(f"unknown codec {chosen!r} (choose from {', '.join(CODECS)})")
    return chosen


def make_codec(name: str) -> W3Codec:
    return ArtCodec() if name == "artsearch" else W3Codec()
