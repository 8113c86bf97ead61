"""Make large synthetic corpora (e.g. 100k or 1M articles) from the shared ones, streamed.

Records are read one line at a time, cycling through the sources as often as needed,
and written one line at a time, so memory stays flat whatever ``--count`` is. Each
output article gets a new id, a date shifted by a random number of days and its
paragraphs shuffled, so repeated passes are not byte-identical duplicates.

\b
Example:
    python -m bench.scale --count 100k
    python -m bench.scale --count 1M --gzip --out /data/scale-1M.jsonl.gz
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import click

from .corpus import open_text, parse_published, read_records

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared" / "corpus"
DEFAULT_SOURCES = (SHARED / "fakehealth-news.jsonl", SHARED / "fakenewsnet.jsonl")
SUFFIXES = {"k": 1_000, "m": 1_000_000}
MAX_SHIFT_DAYS = 3 * 365


def parse_count(text: str) -> int:
    """``5000``, ``100k`` or ``1M`` as an integer."""
    text = text.strip().lower().replace("_", "").replace(",", "")
    factor = SUFFIXES.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise ValueError(f"not a count: {text!r} (use e.g. 5000, 100k, 1M)") from None
    if value < 1:
        raise ValueError("count must be at least 1")
    return value


def cycle_records(sources: list[Path]) -> Iterator[tuple[int, dict]]:
    """Yield ``(pass_number, record)`` forever, re-opening each source on every pass."""
    n = 0
    while True:
        produced = False
        for source in sources:
            for record in read_records(source):
                produced = True
                yield n, record
        if not produced:
            raise ValueError("the sources hold no records")
        n += 1


def vary(record: dict, number: int, pass_number: int, rng: random.Random) -> dict:
    """A new article from ``record``: new id, shifted date, shuffled paragraphs."""
    out = dict(record)
    out["id"] = f"scale-{number:07d}"
    out["source_id"] = record.get("id")
    published = parse_published(record.get("published"))
    shift = rng.randint(-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS)
    out["published"] = (published + timedelta(days=shift)).strftime("%Y-%m-%dT%H:%M:%SZ") if published else None
    paragraphs = (record.get("body") or "").split("\n\n")
    rng.shuffle(paragraphs)
    out["body"] = "\n\n".join(paragraphs)
    if record.get("url"):
        out["url"] = f"{record['url']}#scale-{pass_number}-{number}"
    return out


def generate(sources: list[Path], target: Path, count: int, *, seed: int = 1) -> dict:
    """Write ``count`` varied articles to ``target`` (gzipped if it ends in ``.gz``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    started = time.perf_counter()
    written = 0
    partial = target.with_name(target.name + ".partial")
    with open_text(partial, "wt", gz=target.suffix == ".gz") as out:
        for (pass_number, record), number in zip(cycle_records(sources), range(count), strict=False):
            out.write(json.dumps(vary(record, number, pass_number, rng), ensure_ascii=False))
            out.write("\n")
            written += 1
    partial.replace(target)
    return {"path": str(target), "records": written, "bytes": target.stat().st_size,
            "seconds": time.perf_counter() - started}


@click.command(help=__doc__, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--count", "count_text", required=True, help="Articles to write: 5000, 100k, 1M, ...")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Source JSON Lines file (repeatable) [default: the shared fakehealth and fakenewsnet corpora].")
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file [default: bench/out/scale-COUNT.jsonl, .gz with --gzip].")
@click.option("--gzip", "gz", is_flag=True, help="Gzip the output (implied by an --out ending in .gz).")
@click.option("--seed", default=1, show_default=True, help="Random seed; the same seed gives the same file.")
def main(count_text, sources, target, gz, seed):
    try:
        count = parse_count(count_text)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--count") from None
    sources = list(sources) or [p for p in DEFAULT_SOURCES if p.exists()]
    if not sources:
        raise click.ClickException("No sources: pass --source FILE (the shared corpora were not found).")
    if target is None:
        target = PROJECT_ROOT / "bench" / "out" / f"scale-{count_text.strip()}.jsonl"
    if gz and target.suffix != ".gz":
        target = target.with_name(target.name + ".gz")
    try:
        result = generate(sources, target, count, seed=seed)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Wrote {result['records']:,} articles ({result['bytes'] / 1e6:.1f} MB) to {result['path']} "
               f"in {result['seconds']:.1f} s", err=True)


if __name__ == "__main__":
    main()
    sys.exit(0)
