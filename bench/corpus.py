"""Stream corpus records (JSON Lines, optionally gzipped) and turn them into table rows."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path


def open_text(path: str | Path, mode: str = "rt", *, gz: bool | None = None):
    """Open a JSON Lines file for text I/O, gzipped when ``gz`` (default: name ends in ``.gz``)."""
    path = Path(path)
    if gz if gz is not None else path.suffix == ".gz":
        return gzip.open(path, mode, encoding="utf-8")
    return open(path, mode, encoding="utf-8", newline="\n")


def read_records(path: str | Path, limit: int | None = None) -> Iterator[dict]:
    """Yield one dict per line that holds a JSON object, streaming; stop after ``limit``.

    Unparseable lines are skipped, as artsearch's reader skips them, so every builder
    sees the same records.
    """
    count = 0
    with open_text(path) as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            yield record
            count += 1
            if limit is not None and count >= limit:
                return


def parse_published(value) -> datetime | None:
    """Return the record's date as a naive UTC datetime, or None when missing or unusable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def author_of(record: dict) -> str | None:
    author = record.get("author")
    if not author and record.get("authors"):
        author = ", ".join(str(a) for a in record["authors"])
    return author or None


def text_bytes(record: dict) -> int:
    """UTF-8 bytes of title + body: the "article text" every MB/s figure divides by."""
    return len((record.get("title") or "").encode("utf-8")) + len((record.get("body") or "").encode("utf-8"))


def to_row(record: dict) -> dict:
    """The ``articles`` row for SQLite: dates as sortable UTC ISO strings (``...Z``)."""
    published = parse_published(record.get("published"))
    return {
        "id": str(record.get("id")),
        "title": record.get("title") or "",
        "author": author_of(record),
        "outlet": record.get("outlet") or None,
        "published": published.strftime("%Y-%m-%dT%H:%M:%SZ") if published else None,
        "year": published.year if published else None,
        "url": record.get("url") or "",
        "body": record.get("body") or "",
    }


def measure(path: str | Path) -> dict:
    """Count records and article-text bytes in one streaming pass."""
    records = 0
    total = 0
    for record in read_records(path):
        records += 1
        total += text_bytes(record)
    return {"records": records, "text_bytes": total, "file_bytes": Path(path).stat().st_size}


def write_subset(source: str | Path, target: str | Path, limit: int) -> Path:
    """Copy the first ``limit`` non-blank lines of ``source`` to ``target`` (streamed)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open_text(source) as lines, open(target, "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            if not line.strip():
                continue
            out.write(line if line.endswith("\n") else line + "\n")
            written += 1
            if written >= limit:
                break
    return target

