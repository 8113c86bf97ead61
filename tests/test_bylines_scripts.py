"""Bylines in scripts with combining marks or without case (issue 17, tried as a new
user): 'สมชาย ใจดี' was "no person's name" (Thai vowel signs are marks, which ``\\w``
leaves out) and '김 민수' became '김. 민수' (a one-syllable surname read as an initial).
Through the reindex CLI and the author facet."""

from __future__ import annotations

import json

from index.config import Config
from tests.reindex_helpers import assert_ok, problems, reindex
from web.app import create_app

BYLINES = {
    "สมชาย ใจดี": "สมชาย ใจดี",
    "दीपक शर्मा": "दीपक शर्मा",
    "김 민수": "김 민수",
    "王 小明": "王 小明",
    "Andrew M Seaman": "Andrew M. Seaman",  # a Latin initial still gets its full stop
}


def test_names_in_every_script_are_authors(tmp_path):
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "title": "t", "body": "Some words of a body here.",
                                          "author": byline, "lang": "en"}, ensure_ascii=False) + "\n"
                              for i, byline in enumerate(BYLINES)), encoding="utf-8")
    done, report = reindex(tmp_path / "index", source)
    assert_ok(done)
    assert not [p for p in problems(report) if "no person's name" in p["reason"]]
    app = create_app(Config(index_dir=tmp_path / "index"))
    values = app.test_client().get("/api/facets/author").get_json()["values"]
    assert {v["value"]: v["count"] for v in values} == {name: 1 for name in BYLINES.values()}
