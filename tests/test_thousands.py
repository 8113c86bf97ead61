"""Every count a person reads has thousands separators ("1,500", never "1500"), in the
CLI (reindex, search, check) and on the pages, checked on a corpus of 1,500 copies of
one story in 1,500 outlets."""

from __future__ import annotations

import json
import re

import pytest

from index.config import Config
from tests.test_cli import artsearch
from web.app import create_app

N = 1500
# Long enough to make a story (index/clusters.py: MIN_STORY_SHINGLES distinct shingles).
BODY = ("The grey heron stood alone in the marsh at dawn while the river rose over the old stone weir "
        "and the village slept. Two anglers on the far bank counted eleven herons by noon, more than "
        "any spring since the mill closed. The warden said the new reed beds upstream had brought back "
        "the eels and the frogs the birds feed on, and asked walkers to keep their dogs on the path.")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """(index dir, the reindex run) for N copies of one story, each in its own outlet."""
    tmp = tmp_path_factory.mktemp("many")
    source = tmp / "many.jsonl"
    source.write_text("".join(json.dumps({"id": f"r{i}", "title": f"Heron report {i}", "outlet": f"o{i}.example",
                                          "published": f"2020-01-{i % 28 + 1:02d}", "body": BODY}) + "\n"
                              for i in range(N)), encoding="utf-8")
    done = artsearch("reindex", source, "--index", tmp / "ix")
    assert done.returncode == 0, done.stderr
    return tmp / "ix", done


def no_bare_thousands(text: str) -> list[str]:
    """Four-digit-or-longer numbers written without a separator (years, ids, dates and
    times aside)."""
    numbers = (m.group() for m in re.finditer(r"(?<![\w.:/#-])\d{4,}(?![\w.:/-])", text))
    return [n for n in numbers if not re.fullmatch(r"(19|20)\d\d", n)]


def test_reindex_counts(many):
    _, done = many
    assert f"Read {N:,}; added {N:,}, updated 0, unchanged 0, deleted 0; {N:,} changed." in done.stdout
    assert f"{N:,} articles." in done.stdout
    assert not no_bare_thousands(done.stdout), done.stdout


def test_search_counts(many):
    index, _ = many
    folded = artsearch("search", "heron", "--index", index)
    assert folded.returncode == 0, folded.stderr
    assert f"also in {N - 1:,} outlets" in folded.stdout and f"all {N:,} copies" in folded.stdout
    every = artsearch("search", "heron", "--index", index, "--every-copy", "--per-page", "1", "--page", "1200")
    assert every.returncode == 0, every.stderr
    assert f"{N:,} results" in every.stdout and f"page 1,200 of {N:,}" in every.stdout
    for out in (folded.stdout, every.stdout):
        # The result's rank ("1200.") is a list number, as in the page's <ol>.
        assert not [n for n in no_bare_thousands(out) if not re.search(rf"^{n}\. ", out, re.M)], out


def test_check_counts(many):
    index, _ = many
    done = artsearch("check", "--index", index, "--quick")
    assert done.returncode == 0, done.stderr
    assert f"({N:,} articles," in done.stdout


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_page_counts(many):
    index, _ = many
    client = create_app(Config(index_dir=index)).test_client()
    folded = client.get("/?q=heron").get_data(as_text=True)
    assert f"also in {N - 1:,} outlets" in folded and f"all {N:,} copies" in folded
    every = client.get("/?q=heron&collapse=0&per_page=1&page=1200").get_data(as_text=True)
    text = " ".join(visible_text(every).split())
    assert f"{N:,} articles" in text and "showing 1,200–1,200" in text and f"Page 1,200 of {N:,}" in text
    assert not no_bare_thousands(text), text
    article = client.get("/articles/r0", follow_redirects=True).get_data(as_text=True)
    assert f"This story in {N:,} places" in article
