"""A record's language field as people write it (issue 17, tried as a new user): codes of
any length and case, names, nonsense; and articles too short for a guess. Through the
``reindex`` CLI and HTTP."""

from __future__ import annotations

import json

import pytest

from index.config import Config
from index.normalise import normalise_language
from tests.reindex_helpers import assert_ok, problems, reindex
from web.app import create_app

DUTCH = "De nieuwe brug over de Maas is vrijdag officieel geopend door de burgemeester van de stad."
RECORDS = [
    # (id, language field, body, the language expected in the index)
    ("eng", {"lang": "eng"}, "The council approved the new budget for schools and hospitals on Monday.", "en"),
    ("name", {"language": "Portuguese"}, "A inflação recuou pelo segundo mês seguido, segundo dados divulgados.", "pt"),
    ("region", {"lang": "ZH_tw"}, "高雄港今年上半年貨櫃裝卸量創下歷史新高，港務公司表示。", "zh"),
    ("retired", {"lang": "iw"}, "הממשלה אישרה הלילה את תקציב המדינה לשנה הבאה לאחר דיון ארוך.", "he"),
    ("nonsense", {"lang": "xx-YY"}, DUTCH, "nl"),
    ("short", {}, "Sciopero domani.", ""),
]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("language-fields")
    source = root / "news.jsonl"
    source.write_text("".join(json.dumps({"id": rid, "title": rid, "body": body, **field}, ensure_ascii=False) + "\n"
                              for rid, field, body, _ in RECORDS), encoding="utf-8")
    done, report = reindex(root / "index", source)
    assert_ok(done)
    app = create_app(Config(index_dir=root / "index"))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return done, report, app.test_client()


def test_codes_names_and_nonsense_read_as_the_language_meant(indexed):
    _, _, client = indexed
    hits = client.get("/api/search", query_string={"q": "", "per_page": 100}).get_json()["results"]
    assert {h["id"]: h["language"] for h in hits} == {rid: lang for rid, _, _, lang in RECORDS}


def test_a_field_naming_no_language_is_reported_and_guessed(indexed):
    done, report, _ = indexed
    reported = [p for p in problems(report) if "names no language" in p["reason"]]
    assert [(p["line"], p["reason"]) for p in reported] == [
        (5, "language field 'xx-YY' names no language; the language is guessed from the text")]
    assert "language field 'xx-YY' names no language" in done.stdout + done.stderr


def test_too_short_to_tell_is_no_blank_facet_value(indexed):
    _, _, client = indexed
    values = client.get("/api/facets/language").get_json()["values"]
    expected: dict[str, int] = {}
    for _, _, _, lang in RECORDS:
        if lang:
            expected[lang] = expected.get(lang, 0) + 1
    assert {v["value"]: v["count"] for v in values} == expected
    page = client.get("/").get_data(as_text=True)
    assert 'lang=""' not in page and 'title="Leave out "' not in page


@pytest.mark.parametrize("value,code", [("en-US", "en"), ("fr_FR", "fr"), ("DEU", "de"), ("Deutsch", "de"),
                                        ("und", ""), ("zz", ""), ("", ""), (None, "")])
def test_normalise_language(value, code):
    assert normalise_language(value) == code


CHINESE = [
    "臺北市政府今天宣布推動空氣污染防治新措施，將逐步淘汰老舊機車，並擴大電動公車路線。",
    "行政院今日通過國家發展計畫，預計明年起投入更多經費於長期照顧與醫療體系。",
    "台北市政府今天宣布推动空气污染防治新措施，将逐步淘汰老旧机车，并扩大电动公交路线。",
]


def test_chinese_is_no_low_confidence_guess(tmp_path):
    # py3langid splits Chinese between Mandarin and Wu (zh 0.68, wuu 0.32): every Chinese
    # article without a language field was listed as an unsure guess.
    source = tmp_path / "zh.jsonl"
    source.write_text("".join(json.dumps({"id": f"zh{i}", "title": body[:8], "body": body}, ensure_ascii=False) + "\n"
                              for i, body in enumerate(CHINESE)), encoding="utf-8")
    done, report = reindex(tmp_path / "index", source)
    assert_ok(done)
    assert problems(report, "language") == [] and report["problem_counts"]["language"] == 0
    app = create_app(Config(index_dir=tmp_path / "index"))
    values = app.test_client().get("/api/facets/language").get_json()["values"]
    assert [(v["value"], v["count"]) for v in values] == [("zh", len(CHINESE))]
