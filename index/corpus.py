"""Corpus readers: every supported source shape becomes a stream of ``SourceRecord``.

A reader never raises on a bad record. It yields a record with ``error`` set instead, so
the indexer can report it with its source and line number and carry on. Only a source
that cannot be opened at all raises ``CorpusError``.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from .decoding import (
    CHUNK,
    UTF8,
    Decoder,
    choose_decoder,
    choose_decoder_for,
    declared_html_charset,
)
from .errors import CorpusError

# Text files of the seed page's shape, and HTML pages, found when a source is a directory.
DOCUMENT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
TABLE_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv", ".tsv"}

csv.field_size_limit(64 * 1024 * 1024)

# What reading a damaged file raises: OSError for I/O and for a bad gzip header
# (gzip.BadGzipFile), EOFError for a cut-off gzip stream, zlib.error for a corrupt one.
READ_ERRORS = (OSError, EOFError, zlib.error)
# JSON nested deeper than the parser's recursion allows cannot be an article.
PARSE_ERRORS = (RecursionError, MemoryError)


@dataclasses.dataclass(frozen=True)
class SourceRecord:
    """One raw record (a dict of strings/lists) and where it came from."""

    source: str
    line: int
    data: dict | None = None
    error: str | None = None
    repaired: str | None = None  # set when bytes were undecodable and were replaced
    size: int = 0  # bytes this record took in the source, for progress reporting


def read_corpus(path: str | Path) -> Iterator[SourceRecord]:
    """Yield the records of one source: a file, a directory tree, or ``-`` for stdin."""
    if str(path) == "-":
        # Spooled to a temporary file: the encoding is decided over the whole input.
        with tempfile.TemporaryFile() as spool:
            shutil.copyfileobj(sys.stdin.buffer, spool)
            spool.seek(0)
            yield from _read_jsonl(spool, "<stdin>")
        return
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"Source not found: {path}")
    if path.is_dir():
        yield from _read_directory(path)
        return
    yield from _read_file(path)


def check_source(path: str | Path) -> None:
    """Raise ``CorpusError`` unless ``path`` is ``-``, a directory, or a file of a known kind."""
    if str(path) == "-":
        return
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"Source not found: {path}")
    if path.is_dir():
        return
    if _kind(path) not in DOCUMENT_SUFFIXES | TABLE_SUFFIXES:
        raise CorpusError(
            f"Unknown source format: {path} (expected .jsonl, .csv, .tsv, .txt, .md or "
            ".html, optionally .gz, or a directory)"
        )
    try:
        with open(path, "rb"):
            pass
    except OSError as e:
        raise CorpusError(f"Cannot read source {path}: {e.strerror}") from None


def source_size(path: str | Path) -> int:
    """Return the number of bytes a source holds on disk (0 for stdin), for progress."""
    if str(path) == "-":
        return 0
    path = Path(path)
    if path.is_dir():
        return sum(p.stat().st_size for p in _directory_files(path))
    return path.stat().st_size if path.exists() else 0


def _kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def read_error(e: BaseException) -> str:
    """Say in a few words why a source could not be read (the report's reason)."""
    if isinstance(e, gzip.BadGzipFile):
        return f"named .gz but not gzip data ({e})"
    if isinstance(e, (EOFError, zlib.error)):
        return f"gzip data truncated or corrupt ({e})"
    if isinstance(e, OSError) and e.strerror:
        return f"unreadable: {e.strerror}"
    return f"source truncated or corrupt: {e}"


def _skip_reason(e: Exception) -> str:
    cause = e.__cause__ if isinstance(e, CorpusError) else e
    if isinstance(cause, READ_ERRORS):
        return read_error(cause)
    return e.message if isinstance(e, CorpusError) else str(e)


def _open_binary(path: Path):
    try:
        if path.suffix.lower() == ".gz":
            with open(path, "rb") as fh:
                magic = fh.read(2)
            if magic != b"\x1f\x8b":
                raise CorpusError(f"{path}: named .gz but not gzip data")
            return gzip.open(path, "rb")
        return open(path, "rb")
    except OSError as e:
        raise CorpusError(f"Cannot open {path}: {e.strerror or e}") from e


def _read_file(path: Path) -> Iterator[SourceRecord]:
    kind = _kind(path)
    name = str(path)
    if kind in {".jsonl", ".ndjson", ".json"}:
        with _open_binary(path) as fh:
            if kind == ".json" and _starts_with(fh, b"["):
                yield from _read_json_array(fh, name)
            else:
                yield from _read_jsonl(fh, name)
    elif kind in {".csv", ".tsv"}:
        with _open_binary(path) as fh:
            yield from _read_table(fh, name, tab=kind == ".tsv")
    elif kind in DOCUMENT_SUFFIXES:
        yield _read_document(path)
    else:
        raise CorpusError(
            f"Unknown source format: {path} (expected .jsonl, .csv, .tsv, .txt, .md or "
            ".html, optionally .gz, or a directory)"
        )


def _scan_encoding(fh) -> Decoder:
    """Decide a stream's encoding from all of its bytes, then rewind it."""
    try:
        decoder = choose_decoder(iter(lambda: fh.read(CHUNK), b""))
    except READ_ERRORS:
        # A corrupt stream: the reading pass reports the error where it happens; the
        # lines before it are UTF-8, with any bad bytes replaced and reported.
        decoder = Decoder("utf-8", "mixed")
    fh.seek(0)
    return decoder


def _read_jsonl(fh, name: str) -> Iterator[SourceRecord]:
    decoder = _scan_encoding(fh)
    lines = fh
    if decoder.kind == "bom":  # UTF-16/32: lines are not split on the byte b"\n"
        lines = (line.encode("utf-8") for line in io.TextIOWrapper(fh, encoding=decoder.encoding, errors="replace"))
        decoder = UTF8
    try:
        for lineno, raw in enumerate(lines, start=1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            text, repaired = decoder.decode_line(raw)
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                yield SourceRecord(name, lineno, error=_json_error(e))
                continue
            except PARSE_ERRORS:
                yield SourceRecord(name, lineno, error="malformed JSON: nested too deeply")
                continue
            if not isinstance(data, dict):
                yield SourceRecord(name, lineno, error=f"expected a JSON object, got {type(data).__name__}")
                continue
            yield SourceRecord(name, lineno, data=data, repaired=repaired, size=len(raw))
    except READ_ERRORS as e:
        yield SourceRecord(name, 0, error=read_error(e))


def _json_error(e: json.JSONDecodeError) -> str:
    # Some of json's messages already end in "at" ("Invalid control character at").
    msg = e.msg[:-3] if e.msg.endswith(" at") else e.msg
    return f"malformed JSON: {msg} at column {e.colno}"


def _starts_with(fh, prefix: bytes) -> bool:
    """Peek at the first non-blank bytes of a seekable binary file."""
    head = fh.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
    fh.seek(0)
    return head.startswith(prefix)


def _read_json_array(fh, name: str) -> Iterator[SourceRecord]:
    """A ``.json`` file holding one array of objects; records are numbered by position."""
    try:
        raw = fh.read()
    except READ_ERRORS as e:
        yield SourceRecord(name, 0, error=read_error(e))
        return
    text, repairs = choose_decoder_for(raw).decode_text(raw)
    # Records of an array have no line of their own: the first repair stands for all.
    repaired = _summarise_repairs(repairs)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as e:
        yield SourceRecord(name, e.lineno, error=_json_error(e))
        return
    except PARSE_ERRORS:
        yield SourceRecord(name, 0, error="malformed JSON: nested too deeply")
        return
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield SourceRecord(name, n, error=f"expected a JSON object, got {type(item).__name__}")
            continue
        yield SourceRecord(name, n, data=item, repaired=repaired, size=len(raw) // max(1, len(items)))


DELIMITERS = ",;\t|"


def sniff_delimiter(header: str, default: str = ",") -> str:
    """Return the delimiter of a CSV file from its header line (the commonest candidate).

    ``csv.Sniffer`` looks at whole rows, where a body full of commas or semicolons
    easily outvotes the real delimiter; column names almost never contain one.
    """
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else default


def _read_table(fh, name: str, *, tab: bool) -> Iterator[SourceRecord]:
    try:
        raw = fh.read()
    except READ_ERRORS as e:
        yield SourceRecord(name, 0, error=read_error(e))
        return
    text, repairs = choose_decoder_for(raw).decode_text(raw)
    first_line = text.split("\n", 1)[0]
    dialect = csv.excel_tab if tab else csv.excel
    delimiter = sniff_delimiter(first_line, "\t" if tab else ",")
    reader = csv.reader(io.StringIO(text, newline=""), dialect, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as e:
        yield SourceRecord(name, 1, error=f"malformed header: {e}")
        return
    header = [h.strip() for h in header]
    while True:
        lineno = reader.line_num + 1
        try:
            row = next(reader)
            # A row may span several lines (quoted newlines): report the first repair in it.
            row_repaired = next((f"line {n}: {repairs[n]}" if n != lineno else repairs[n]
                                 for n in range(lineno, reader.line_num + 1) if n in repairs), None)
        except StopIteration:
            return
        except csv.Error as e:
            yield SourceRecord(name, lineno, error=f"malformed CSV row: {e}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield SourceRecord(
                name, lineno, error=f"row has {len(row)} cells but the header has {len(header)}"
            )
            continue
        data = {key: value for key, value in zip(header, row, strict=False) if key}  # short rows leave fields empty
        yield SourceRecord(name, lineno, data=data, repaired=row_repaired, size=sum(map(len, row)) + len(row))


def _directory_files(root: Path, errors: list[OSError] | None = None) -> list[Path]:
    """The article files under ``root``, sorted; directories that cannot be listed go to ``errors``."""
    files = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append if errors is not None else None):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            p = Path(dirpath, filename)
            if filename.startswith(".") or filename.lower() == "readme.md":
                continue
            if _kind(p) in DOCUMENT_SUFFIXES | TABLE_SUFFIXES and p.is_file():
                files.append(p)
    return sorted(files)


def _read_directory(root: Path) -> Iterator[SourceRecord]:
    """Read every file; one that cannot be read (or vanished) is reported, not fatal."""
    errors: list[OSError] = []
    files = _directory_files(root, errors)
    for error in errors:
        where = error.filename or str(root)
        yield SourceRecord(str(where), 0, error=f"unreadable directory: {error.strerror or error}")
    for path in files:
        try:
            yield from _read_file(path)
        except (CorpusError, *READ_ERRORS) as e:
            yield SourceRecord(str(path), 0, error=_skip_reason(e))


# A header line of a text article: "Author: Jane Doe". Keys are one or two words.
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,30}):\s*(.*)$")


def _read_document(path: Path) -> SourceRecord:
    name = str(path)
    try:
        with _open_binary(path) as fh:
            raw = fh.read()
    except (CorpusError, *READ_ERRORS) as e:
        return SourceRecord(name, 0, error=_skip_reason(e))
    html_page = _kind(path) in {".html", ".htm"}
    decoder = choose_decoder_for(raw, declared_html_charset(raw) if html_page else None)
    text, repairs = decoder.decode_text(raw)
    repaired = _summarise_repairs(repairs)
    if html_page:
        data = parse_html_page(text)
    else:
        data = parse_text_document(text)
    data.setdefault("id", path.stem)
    return SourceRecord(name, 1, data=data, repaired=repaired, size=len(raw))


def _summarise_repairs(repairs: dict[int, str]) -> str | None:
    """One report line for a record made of many lines: the first repair, and how many."""
    if not repairs:
        return None
    line = min(repairs)
    more = f" (and {len(repairs) - 1:,} more lines)" if len(repairs) > 1 else ""
    return f"line {line}: {repairs[line]}{more}"


def parse_text_document(text: str) -> dict:
    """Split a text article: title line, optional ``Key: value`` headers, blank line, body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return {"body": ""}
    title = lines[0].strip().lstrip("#").strip()
    data: dict = {"title": title}
    i = 1
    while i < len(lines) and lines[i].strip():
        match = _HEADER_LINE.match(lines[i].strip())
        if not match:
            break
        data[match.group(1).strip().lower().replace(" ", "_").replace("-", "_")] = match.group(2).strip()
        i += 1
    data["body"] = "\n".join(lines[i:]).strip()
    return data


class _PageParser(HTMLParser):
    """Collect <title>, common <meta> tags and the visible text of an HTML page."""

    META_KEYS = {
        "author": "author", "article:author": "author", "byline": "author",
        "dc.creator": "author", "sailthru.author": "author", "parsely-author": "author",
        "og:title": "title", "twitter:title": "title", "dc.title": "title",
        "og:site_name": "outlet", "application-name": "outlet",
        "article:published_time": "published", "date": "published", "pubdate": "published",
        "publish-date": "published", "dc.date": "published", "dcterms.created": "published",
        "datepublished": "published", "sailthru.date": "published", "parsely-pub-date": "published",
        "og:url": "url", "og:locale": "language", "language": "language",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict = {}
        self.title = ""
        self._in_title = False
        self.lang = ""
        self.canonical = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and attrs.get("lang"):
            self.lang = attrs["lang"]
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            target = self.META_KEYS.get(key)
            if target and attrs.get("content") and target not in self.meta:
                self.meta[target] = attrs["content"]
        elif tag == "link" and attrs.get("rel", "").lower() == "canonical":
            self.canonical = attrs.get("href", "")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


_PAGE_CHROME = re.compile(r"<(nav|aside|form|header|footer)\b.*?</\1\s*>", re.S | re.I)


def parse_html_page(text: str) -> dict:
    """Take title/author/date/outlet from ``<meta>`` and ``<title>``; the body stays HTML.

    The body is cleaned later by ``normalise`` (bleach), like any HTML in any field.
    """
    parser = _PageParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # html.parser is lenient; a pathological page still keeps its body
        pass
    data = dict(parser.meta)
    if parser.title.strip() and "title" not in data:
        data["title"] = parser.title.strip()
    if parser.lang and "language" not in data:
        data["language"] = parser.lang
    if parser.canonical and "url" not in data:
        data["url"] = parser.canonical
    match = re.search(r"<body\b[^>]*>(.*)</body\s*>", text, re.S | re.I)
    body = match.group(1) if match else text
    body = re.sub(r"<head\b.*?</head\s*>", " ", body, flags=re.S | re.I)
    # Site chrome, not article text: menus, sidebars, forms.
    body = _PAGE_CHROME.sub(" ", body)
    data["body"] = body
    data["__html__"] = True
    return data
