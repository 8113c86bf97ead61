"""Bytes to text, decided once per file, with every repair reported by line.

The order (docs/reindexing.md, "Encodings"):

1. A byte-order mark names the encoding (UTF-8, UTF-16, UTF-32).
2. A file that is valid UTF-8 is UTF-8. Nothing is reported.
3. A declared encoding (an HTML page's ``<meta charset>``) is used when the file is not
   valid UTF-8.
4. A file with no valid UTF-8 multi-byte sequence at all is in a legacy 8-bit encoding:
   Windows-1252 (the web's commonest legacy encoding), unless charset-normalizer reads
   the text as a language in another script (Cyrillic, Greek, ...) and names that code
   page. Every line with non-ASCII bytes is reported ("decoded as Windows-1252").
5. A file that is UTF-8 apart from some invalid bytes (a mixed crawl) stays UTF-8: the
   invalid bytes become U+FFFD and each such line is reported. Decoding such a line as
   Windows-1252 would turn its valid "Café 3€" into mojibake.
"""

from __future__ import annotations

import codecs
import dataclasses
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
SAMPLE_BYTES = 1 << 20  # what charset-normalizer sees of a legacy file
CHUNK = 1 << 20
# How sure charset-normalizer must be that a legacy file is in a language (its
# "coherence") before a non-Latin code page beats Windows-1252.
MIN_COHERENCE = 0.2
_NEUTRAL_ALPHABETS = {"Basic Latin", "Control character", "General Punctuation", "Currency Symbols",
                      "Letterlike Symbols", "Number Forms"}


def encoding_label(name: str) -> str:
    name = codecs.lookup(name).name
    if name.startswith("cp125"):
        return "Windows-" + name[2:]
    return name.upper() if name.startswith("utf") else name


@dataclasses.dataclass(frozen=True)
class Decoder:
    """How every line of one file is decoded, and what is reported for it."""

    encoding: str = "utf-8"
    kind: str = "utf-8"  # "utf-8" | "mixed" (UTF-8 with some invalid bytes) | "legacy" | "bom"

    def decode_line(self, raw: bytes) -> tuple[str, str | None]:
        """Return the text of one line and the repair to report for it (or None)."""
        if self.kind in ("utf-8", "mixed"):
            try:
                return raw.decode("utf-8"), None
            except UnicodeDecodeError as e:
                first = f"{e.reason} at byte {e.start}"
            text = raw.decode("utf-8", errors="replace")
            return text, (f"invalid UTF-8 ({first}): {_count_replaced(raw):,} undecodable "
                          "bytes replaced with U+FFFD; the rest of the file is UTF-8")
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError as e:
            text = raw.decode(self.encoding, errors="replace")
            return text, (f"not UTF-8; decoded as {encoding_label(self.encoding)} like the whole file, "
                          f"undecodable bytes replaced with U+FFFD ({e.reason} at byte {e.start})")
        if self.kind == "legacy" and not raw.isascii():
            return text, f"not UTF-8; decoded as {encoding_label(self.encoding)} like the whole file"
        return text, None

    def decode_text(self, raw: bytes) -> tuple[str, dict[int, str]]:
        """Decode a whole file; return its text and the repairs by line number (from 1)."""
        if self.kind == "bom":
            text = raw.decode(self.encoding, errors="replace")
            return text, {}
        lines, repairs = [], {}
        for n, line in enumerate(raw.split(b"\n"), start=1):
            text, reason = self.decode_line(line)
            lines.append(text)
            if reason:
                repairs[n] = reason
        text = "\n".join(lines)
        return (text[1:] if text.startswith("\ufeff") else text), repairs


UTF8 = Decoder()


def choose_decoder(chunks, declared: str | None = None) -> Decoder:
    """Decide how a file is decoded from its bytes (an iterable of chunks, in order)."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    first = True
    invalid = has_multibyte = False
    sample = bytearray()
    for chunk in chunks:
        if first:
            first = False
            for bom, name in _BOMS:
                if chunk.startswith(bom):
                    return Decoder(name, "utf-8" if name == "utf-8-sig" else "bom")
        text = decoder.decode(chunk)
        if "\ufffd" in text:
            invalid = True
            text = text.replace("\ufffd", "")
        if not has_multibyte and not text.isascii():
            has_multibyte = True
        if len(sample) < SAMPLE_BYTES:
            sample += chunk[: SAMPLE_BYTES - len(sample)]
    if "\ufffd" in decoder.decode(b"", final=True):
        invalid = True
    if not invalid:
        return UTF8
    if declared:
        try:
            return Decoder(codecs.lookup(declared).name, "legacy")
        except LookupError:
            pass
    if has_multibyte:
        return Decoder("utf-8", "mixed")
    return Decoder(_detect_legacy(bytes(sample)), "legacy")


def choose_decoder_for(raw: bytes, declared: str | None = None) -> Decoder:
    """``choose_decoder`` for bytes already in memory."""
    return choose_decoder((raw[i:i + CHUNK] for i in range(0, len(raw), CHUNK)), declared)


def declared_html_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in its first few kilobytes, if any."""
    match = _META_CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii") if match else None


def _detect_legacy(sample: bytes) -> str:
    """Windows-1252, unless the text is plainly in another script (Cyrillic, Greek, ...).

    On short samples charset-normalizer often prefers a rare code page (cp775 for
    "caf\\xe9"), so its answer is taken only when it reads the text as a known language
    written in a non-Latin alphabet, which Windows-1252 could not encode at all.
    """
    best = from_bytes(sample).best()
    if best is None or "cp1252" in best.could_be_from_charset:
        return "cp1252"
    scripts = {a for a in best.alphabets if a not in _NEUTRAL_ALPHABETS and not a.startswith("Latin")}
    if scripts and best.languages and best.coherence >= MIN_COHERENCE:
        return codecs.lookup(best.encoding).name
    return "cp1252"


def _count_replaced(raw: bytes) -> int:
    """How many bytes of ``raw`` are not part of a valid UTF-8 sequence."""
    count, start = 0, 0
    while True:
        try:
            raw[start:].decode("utf-8")
            return count
        except UnicodeDecodeError as e:
            count += e.end - e.start
            start += e.end
