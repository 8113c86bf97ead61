"""The benchmark runs end to end on a tiny corpus, and the scale generator streams."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "articles.jsonl"
MISSING = [m for m in ("datasette", "sqlite_utils") if importlib.util.find_spec(m) is None]


@pytest.mark.skipif(bool(MISSING), reason=f"needs the bench extra (pip install -e '.[bench]'); "
                                          f"missing: {', '.join(MISSING)}")
def test_smoke_run_reports_both_engines(tmp_path, monkeypatch):
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))

    for engine in ("artsearch", "datasette"):
        seq = results["sequential"][engine]["overall"]
        assert seq["requests"] > 0 and seq["errors"] == 0
        assert seq["p50_ms"] > 0 and seq["p95_ms"] >= seq["p50_ms"]
        assert results["concurrent"][engine]["overall"]["throughput_rps"] > 0
        assert results["servers"][engine]["peak_rss_bytes"] > 0
        assert results["build"][engine]["rows"] > 0
    assert {t["key"] for t in results["targets"]} == {"seq_p50", "seq_p95", "conc_throughput", "conc_p95_250", "indexing"}
    assert results["meta"]["smoke"] is True
    timeline = results["timeline"]  # the timeline's share of a page, per query of the mix
    assert timeline["queries"] and timeline["page_p50_ms"] > 0 and isinstance(timeline["met"], bool)
    assert not (tmp_path / "work").exists()  # scratch indexes are cleaned up

    monkeypatch.syspath_prepend(str(ROOT))  # bench/ is a top-level package, not installed
    from bench.report import render_markdown, render_svg

    ElementTree.fromstring(render_svg(results))  # well-formed SVG
    assert "| Sequential p50" in render_markdown(results)


def test_scale_generator_makes_unique_varied_articles(tmp_path):
    target = tmp_path / "scale.jsonl.gz"
    done = subprocess.run([sys.executable, "-m", "bench.scale", "--count", "25", "--source", str(FIXTURE),
                           "--out", str(target)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with gzip.open(target, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    assert len(rows) == 25  # 10 usable fixture records, cycled
    assert len({r["id"] for r in rows}) == 25
    assert {r["source_id"] for r in rows} <= {json.loads(line)["id"] for line in FIXTURE.read_text().splitlines()
                                             if line.strip().endswith("}")}
    originals = {r["source_id"]: r for r in rows[:10]}
    repeated = [r for r in rows[10:] if originals[r["source_id"]].get("published")]
    assert any(r["published"] != originals[r["source_id"]]["published"] for r in repeated)
