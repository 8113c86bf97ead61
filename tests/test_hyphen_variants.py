"""A hyphenated compound matches the same words written together or apart, in quotes too:
``world-wide`` (or ``world‑wide`` with a non-breaking hyphen) finds "worldwide",
"world-wide" and "world wide". Checked through /api/search against a regex oracle over
the fixture's JSONL bodies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.config import Config
from index.indexer import build_index
from web.app import create_app

CORPUS = Path(__file__).parent / "fixtures" / "hyphens.jsonl"
RECORDS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
HYPHEN_OR_NOTHING = "[-\u2010\u2011 ]?"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("hyphens")
    build_index([CORPUS], index_dir, full=True)
    app = create_app(Config(index_dir=index_dir))
    app.config.update(TESTING=True)
    return app.test_client()


def found(client, q: str) -> set[str]:
    response = client.get("/api/search", query_string={"q": q, "per_page": 100, "collapse": 0})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {hit["id"] for hit in response.get_json()["results"]}


def oracle(pattern: str) -> set[str]:
    """The articles whose body has ``pattern``, where ``~`` stands for a hyphen, a
    non-breaking hyphen, a space or nothing."""
    regex = re.compile(pattern.replace("~", HYPHEN_OR_NOTHING), re.IGNORECASE)
    return {r["id"] for r in RECORDS if regex.search(r["body"])}


@pytest.mark.parametrize("q, pattern", [
    ("world-wide", r"\bworld~wide\b"),
    ("world\u2011wide", r"\bworld~wide\b"),
    ("world\u2010wide network", r"\bworld~wide network\b"),
    ('"built a world-wide network"', r"\bbuilt a world~wide network\b"),
    ('"a world\u2011wide network of labs"', r"\ba world~wide network of labs\b"),
    ("health-care costs", r"\bhealth~care costs\b"),
    ('"rising health-care costs"', r"\brising health~care costs\b"),
    ('"nation-wide survey of x-ray clinics"', r"\bnation~wide survey of x~ray clinics\b"),
])
def test_a_hyphenated_compound_finds_the_joined_and_the_split_spelling(client, q, pattern):
    expected = oracle(pattern)
    assert len(expected) >= 2  # the fixture really has more than one spelling
    assert found(client, q) == expected


def test_the_joined_spelling_is_highlighted(client):
    response = client.get("/api/search", query_string={"q": '"a world-wide network"', "collapse": 0})
    teasers = {hit["id"]: hit["teaser"] for hit in response.get_json()["results"]}
    marked = {i: " ".join(re.findall(r"<mark>(.*?)</mark>", html)) for i, html in teasers.items()}
    assert "worldwide" in marked["h1"] and "network" in marked["h1"]
    assert "world-wide" in marked["h2"] or "world wide" in marked["h2"].replace("</mark>-<mark>", " ")


def test_words_far_apart_are_not_a_compound(client):
    # h4 says "the world is wide": neither spelling of the compound.
    assert "h4" not in found(client, '"world-wide"')
    assert found(client, '"world-wide"') == oracle(r"\bworld~wide\b")
