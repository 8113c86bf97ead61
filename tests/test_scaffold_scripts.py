"""English question scaffolding around a Chinese or Japanese query is scaffolding (issue
17, tried as a new user): "is it true that 臺北市政府推動空氣污染" kept "is" and left out
the Chinese, because py3langid is sure the whole query is Chinese. Through reindex and HTTP."""

from __future__ import annotations

import json

import pytest

from index.config import Config
from tests.reindex_helpers import assert_ok, reindex
from web.app import create_app

RECORDS = [
    ("zh", "臺北市政府推動空氣污染防治新措施", "臺北市政府今天宣布推動空氣污染防治新措施，將逐步淘汰老舊機車。"),
    ("ja", "東京都、行政サービスをデジタル化へ", "東京都は行政サービスをデジタル化する計画を発表した。"),
    ("en", "Is the claim true", "It is true that the council met, and it is what the minutes say."),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("scaffold-scripts")
    source = root / "news.jsonl"
    source.write_text("".join(json.dumps({"id": rid, "title": t, "body": b, "lang": rid}, ensure_ascii=False) + "\n"
                              for rid, t, b in RECORDS), encoding="utf-8")
    done, _ = reindex(root / "index", source)
    assert_ok(done)
    config = Config(index_dir=root / "index", timeout=30)  # py3langid loads inside the first search
    app = create_app(config)
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app.test_client()


@pytest.mark.parametrize("question,article", [("is it true that 臺北市政府推動空氣污染", "zh"),
                                              ("is it true that 行政サービス", "ja")])
def test_scaffolding_around_cjk_is_not_required(client, question, article):
    response = client.get("/api/search", query_string={"q": question})
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert [h["id"] for h in data["results"]] == [article]
    assert data["relaxed"] is None, data["notes"]
