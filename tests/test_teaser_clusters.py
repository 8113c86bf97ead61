"""Teasers never start or end inside a word written with combining marks (Arabic with
its vowel signs), nor inside a character cluster of a text without spaces (Thai น้ำ):
issue 17, tried as a new user (the teaser for الكهرباء began "… نْ", the end of عَنْ;
one for a Thai sentence began "… ำท่วม", inside น้ำ). Through reindex and HTTP."""

from __future__ import annotations

import html
import json
import re
import unicodedata

import pytest

from index.config import Config
from tests.reindex_helpers import assert_ok, reindex
from web.app import create_app

ARABIC = ("أَعْلَنَتِ الحُكُومَةُ اليَوْمَ عَنْ خُطَّةٍ جَدِيدَةٍ لِلطَّاقَةِ الشَّمْسِيَّةِ تَهْدِفُ إِلَى تَوْلِيدِ "
          "ثُلُثِ الكَهْرَبَاءِ مِنْ مَصَادِرَ مُتَجَدِّدَةٍ بِحُلُولِ عَامِ ٢٠٣٠. وَقَالَ وَزِيرُ الطَّاقَةِ إِنَّ "
          "المَشْرُوعَ سَيُوَفِّرُ آلَافَ فُرَصِ العَمَلِ فِي المُدُنِ وَالقُرَى، وَأَضَافَ أَنَّ الحُكُومَةَ "
          "سَتَدْعَمُ الشَّرِكَاتِ الصَّغِيرَةَ الَّتِي تُرَكِّبُ الأَلْوَاحَ عَلَى أَسْطُحِ المَنَازِلِ.")
THAI = ("กรุงเทพมหานครประกาศแผนรับมือน้ำท่วมสำหรับฤดูฝนปีนี้ โดยจะเพิ่มเครื่องสูบน้ำในพื้นที่เสี่ยงและขุดลอกคลองสายหลัก "
        "ผู้ว่าราชการกล่าวว่าประชาชนควรติดตามประกาศจากหน่วยงานรัฐอย่างใกล้ชิด")
THAI_SENTENCE = "ผู้ว่าราชการกล่าวว่าประชาชนควรติดตามประกาศจากหน่วยงานรัฐอย่างใกล้ชิด"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("teaser-clusters")
    source = root / "news.jsonl"
    rows = [{"id": "ar", "lang": "ar", "title": "خطة الطاقة", "body": ARABIC},
            {"id": "th", "lang": "th", "title": "น้ำท่วม", "body": THAI}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    done, _ = reindex(root / "index", source)
    assert_ok(done)
    app = create_app(Config(index_dir=root / "index"))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app.test_client()


def _teaser(client, q: str, article: str) -> str:
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    teasers = [h["teaser"] for h in response.get_json()["results"] if h["id"] == article]
    assert teasers, q
    return html.unescape(re.sub(r"</?mark>", "", teasers[0]))


def _pieces(teaser: str) -> list[str]:
    return [p.strip() for p in teaser.split("…") if p.strip()]


def _joins(char: str) -> bool:
    return unicodedata.category(char)[0] == "M" or char == "\u0e33"


# Every word of the second half: each puts the window's start somewhere else in the text.
@pytest.mark.parametrize("word", ARABIC.split()[len(ARABIC.split()) // 2:])
def test_arabic_teaser_starts_and_ends_on_whole_words(client, word):
    words = set(re.findall(r"\S+", ARABIC))
    for piece in _pieces(_teaser(client, word.strip(".،"), "ar")):
        assert piece in ARABIC
        first, last = piece.split()[0], piece.split()[-1]
        assert first in words, f"starts inside a word: {first!r}"
        assert last in words or ARABIC.index(piece) + len(piece) == len(ARABIC), f"ends inside a word: {last!r}"


def test_thai_teaser_keeps_its_clusters_whole(client):
    for piece in _pieces(_teaser(client, THAI_SENTENCE, "th")):
        start = THAI.index(piece)
        end = start + len(piece)
        assert not _joins(piece[0]), f"starts inside a cluster: {piece[:6]!r}"
        assert end == len(THAI) or not _joins(THAI[end]), f"ends inside a cluster: {piece[-6:]!r}"
