"""Bad input never aborts a reindex: each record problem is reported with source, line
and reason; only "nothing usable", a missing source or an unwritable index fail, with a
one-line message."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import FIXTURE_CORPUS
from tests.reindex_helpers import (
    REINDEX_FIXTURES as F,
)
from tests.reindex_helpers import (
    artsearch,
    assert_ok,
    assert_one_line_error,
    ids,
    problems,
    reindex,
    search,
    stored,
)


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """One reindex of bad.jsonl, shared by the per-case tests below."""
    index = tmp_path_factory.mktemp("bad") / "ix"
    done, report = reindex(index, F / "bad.jsonl")
    return done, report, index


def where(report: dict, line: int) -> list[tuple[str, str]]:
    # Low-confidence language guesses (issue 17) are left to the languages tests.
    return [(p["kind"], p["reason"]) for p in report["problems"] if p["line"] == line and p["kind"] != "language"]


def test_bad_records_do_not_abort(bad_run):
    done, report, index = bad_run
    assert_ok(done)
    assert report["ok"] is True and report["total"] == 4  # b1 (first copy), b3 (title only), b4, b5
    counts = dict(report["problem_counts"])
    # Low-confidence language guesses are reported too (issue 17); only for indexed articles.
    guessed = counts.pop("language", 0)
    assert counts == {"skipped": 2, "repaired": 0, "warning": 2, "duplicate": 1}
    assert 0 <= guessed <= report["total"]
    assert all(p["kind"] != "language" or p.get("reason") for p in report["problems"])
    for p in report["problems"]:
        assert p["source"].endswith("bad.jsonl") and p["line"] > 0 and p["reason"]
    assert "Problems: 2 skipped, 0 repaired, 2 warnings, 1 duplicate." in done.stdout


def test_malformed_line(bad_run):
    done, report, _ = bad_run
    [(kind, reason)] = where(report, 2)
    assert kind == "skipped" and reason.startswith("malformed JSON")
    assert "bad.jsonl:2: skipped: malformed JSON" in done.stderr


def test_row_without_body_is_indexed_by_its_title(bad_run):
    done, report, index = bad_run
    assert where(report, 3) == []  # not a problem: a headline-only record is an article
    assert report["title_only"] == 1
    assert "Title only: 1 article with no body text, indexed by the title." in done.stdout
    assert (stored(index)["b3"]["title"], stored(index)["b3"].get("body", "")) == ("Has no body", "")
    found = search(index, "has no body")
    assert [hit["id"] for hit in found["results"]] == ["b3"] and found["results"][0]["cluster"] is None


def test_line_that_is_not_an_object(bad_run):
    _, report, _ = bad_run
    assert where(report, 4) == [("skipped", "expected a JSON object, got list")]


def test_duplicate_id_first_is_kept_and_later_reported(bad_run):
    done, report, index = bad_run
    [(kind, reason)] = where(report, 5)
    assert kind == "duplicate" and "'b1'" in reason and "bad.jsonl:1" in reason and "ignored" in reason
    assert "bad.jsonl:5: duplicate: id 'b1' was already read at" in done.stderr
    assert report["added"] == 4  # b1 once, not twice (b3, b4, b5 the others)
    assert ids(search(index, "vitamins")) == {"b1"}
    assert ids(search(index, "minerals")) == set()
    assert stored(index)["b1"]["title"] == "Good first"


def test_impossible_and_unparsable_dates_become_undated(bad_run):
    _, report, index = bad_run
    [(kind, reason)] = where(report, 6)
    assert kind == "warning" and "undated" in reason and "future" in reason
    [(kind, reason)] = where(report, 7)
    assert kind == "warning" and "unrecognised date" in reason
    docs = stored(index)
    assert "published" not in docs["b4"] and "published" not in docs["b5"]


def test_undecodable_bytes_are_repaired(tmp_path):
    done, report = reindex(tmp_path / "ix", F / "invalid-utf8.jsonl")
    assert_ok(done)
    assert report["added"] == 3
    repaired = {p["line"]: p["reason"] for p in problems(report, "repaired")}
    assert set(repaired) == {1, 2}
    assert "Windows-1252" in repaired[1] and "undecodable bytes replaced" in repaired[2]
    assert stored(tmp_path / "ix")["u1"]["title"] == "Café menu prices rise"
    assert ids(search(tmp_path / "ix", "café")) == {"u1"}
    assert ids(search(tmp_path / "ix", "tea")) == {"u2"}  # the rest of the line survives


def test_over_long_record_is_cut(tmp_path):
    source = tmp_path / "long.jsonl"
    body = "lorem ipsum dolor " * 200_000 + "tailword"  # 3.6 MB
    source.write_text(json.dumps({"id": "long", "title": "Long", "body": body}) + "\n"
                      + json.dumps({"id": "short", "title": "Short", "body": "A short one about yoga."}) + "\n")
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    [cut] = problems(report, "repaired")
    assert cut["line"] == 1 and "body cut" in cut["reason"]
    text = stored(tmp_path / "ix")["long"]["body"]
    assert 1_999_000 < len(text.encode("utf-8")) <= 2_000_000
    assert ids(search(tmp_path / "ix", "tailword")) == set()
    assert ids(search(tmp_path / "ix", "yoga")) == {"short"}


def test_csv_row_with_too_many_cells(tmp_path):
    source = tmp_path / "rows.csv"
    source.write_text("id,title,body\nr1,Fine,A fine row about rice.\nr2,Broken,extra,cells,here\n"
                      "r3,Also fine,Another row about wheat.\n")
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    assert report["added"] == 2
    [skip] = problems(report, "skipped")
    assert skip["line"] == 3 and "cells" in skip["reason"]


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    import gzip

    data = gzip.compress("".join(json.dumps({"id": f"g{i}", "title": "T", "body": f"Body {i} about oats " * 50}) + "\n"
                                 for i in range(200)).encode())
    source = tmp_path / "cut.jsonl.gz"
    source.write_bytes(data[: len(data) // 2])
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    assert 0 < report["added"] < 200
    assert any("truncated or corrupt" in p["reason"] for p in problems(report, "skipped"))


def test_nothing_usable_fails_with_one_line_and_writes_the_report(tmp_path):
    source = tmp_path / "junk.jsonl"
    source.write_text('not json\n{"id": "x", "outlet": "reuters.com", "body": "<p> </p>"}\n')
    done, report = reindex(tmp_path / "ix", source)
    assert_one_line_error(done, "No usable articles", "junk.jsonl:1")
    assert report["ok"] is False and report["problem_counts"]["skipped"] == 2
    assert where(report, 2) == [("skipped", "no title or body text")]
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_nothing_usable_never_prunes_a_live_index(tmp_path):
    assert_ok(reindex(tmp_path / "ix", FIXTURE_CORPUS)[0])
    source = tmp_path / "junk.jsonl"
    source.write_text("not json\n")
    done, _ = reindex(tmp_path / "ix", source, "--prune")
    assert_one_line_error(done, "No usable articles")
    assert search(tmp_path / "ix")["total"] == 10  # the fixture rows with a title or body


def test_missing_source(tmp_path):
    done, report = reindex(tmp_path / "ix", FIXTURE_CORPUS, tmp_path / "nope.jsonl")
    assert_one_line_error(done, "Source not found", "nope.jsonl")
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_unknown_source_format(tmp_path):
    source = tmp_path / "data.xml"
    source.write_text("<xml/>")
    assert_one_line_error(reindex(tmp_path / "ix", source)[0], "Unknown source format")


def test_index_pointing_at_a_file(tmp_path):
    target = tmp_path / "afile"
    target.write_text("")
    assert_one_line_error(reindex(target, FIXTURE_CORPUS)[0], "Cannot write the index", "afile")


def test_index_inside_a_file(tmp_path):
    target = tmp_path / "afile"
    target.write_text("")
    assert_one_line_error(reindex(target / "ix", FIXTURE_CORPUS)[0], "Cannot write the index")


def test_index_in_read_only_directory(tmp_path):
    if os.geteuid() == 0:
        # root ignores permission bits; /proc refuses new entries even to root.
        done = artsearch("reindex", FIXTURE_CORPUS, "--index", "/proc/artsearch-test-index")
    else:
        locked = tmp_path / "ro"
        locked.mkdir()
        locked.chmod(0o555)
        done = reindex(locked / "ix", FIXTURE_CORPUS, report=tmp_path / "r.json")[0]
        locked.chmod(0o755)
    assert_one_line_error(done, "Cannot write the index")


def test_bad_config_file_is_one_line(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[map]\nbody = 'content'\nbogus = 1\nnot toml at all ][\n")
    assert_one_line_error(reindex(tmp_path / "ix", FIXTURE_CORPUS, "--config", config)[0], "Cannot read config")
    config.write_text("colour = 'blue'\n")
    assert_one_line_error(reindex(tmp_path / "ix", FIXTURE_CORPUS, "--config", config)[0], "unknown key")


def test_bad_map_and_timezone_are_one_line(tmp_path):
    assert_one_line_error(reindex(tmp_path / "ix", FIXTURE_CORPUS, "--map", "colour=x")[0], "unknown article field")
    assert_one_line_error(reindex(tmp_path / "ix", FIXTURE_CORPUS, "--timezone", "Mars/Olympus")[0], "time zone")
