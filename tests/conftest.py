"""Shared fixtures: a small hand-written corpus indexed once per session, the app and
its client, and the shared real corpora (skipped cleanly when ../shared is absent)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from index.config import Config
from index.indexer import build_index
from web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_CORPUS = FIXTURES / "articles.jsonl"
# Clean records (ISO dates, author lists) with awkward ids: "/", "%", "?", "#", "..".
FILTERS_CORPUS = FIXTURES / "filters.jsonl"
REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ARTSEARCH_SHARED", REPO.parent / "shared"))
FAKEHEALTH = SHARED / "corpus" / "fakehealth-news.jsonl"
FAKENEWSNET = SHARED / "corpus" / "fakenewsnet.jsonl"


def indexed_rows(rows: list[dict]) -> list[dict]:
    """The rows the indexer keeps: those with body text or a title (a title-only record is
    indexed by its title; one with neither is skipped and reported)."""
    return [r for r in rows if any(isinstance(r.get(f), str) and r[f].strip() for f in ("body", "title"))]


@pytest.fixture(scope="session")
def fixture_records() -> list[dict]:
    """The fixture corpus's well-formed JSON rows (the source of truth for expected counts)."""
    rows = []
    for line in FIXTURE_CORPUS.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return rows


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("index")
    build_index([FIXTURE_CORPUS], path, full=True)
    return path


@pytest.fixture(scope="session")
def filters_index(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("filters-index")
    build_index([FILTERS_CORPUS], path, full=True)
    return path


@pytest.fixture(scope="session")
def filters_records() -> list[dict]:
    return [json.loads(line) for line in FILTERS_CORPUS.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def config(index_dir) -> Config:
    return Config(index_dir=index_dir)


@pytest.fixture(scope="session")
def app(config):
    app = create_app(config)
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def engine(app):
    return app.extensions["artsearch"]


def require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (set ARTSEARCH_SHARED or put ../shared beside the repo)")
    return path


@pytest.fixture(scope="session")
def fakehealth_path() -> Path:
    return require(FAKEHEALTH)


@pytest.fixture(scope="session")
def fakehealth_rows(fakehealth_path) -> list[dict]:
    with open(fakehealth_path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def fakehealth_index(fakehealth_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fakehealth-index")
    build_index([fakehealth_path], path, full=True, workers=2)
    return path


@pytest.fixture(scope="session")
def fakehealth_engine(fakehealth_index):
    from search.engine import SearchEngine

    return SearchEngine(Config(index_dir=fakehealth_index))


@pytest.fixture
def copy_fixture(tmp_path):
    """Copy a fixture file into tmp_path (so a test may edit it) and return the copy."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(FIXTURES / name, target)
        return target
    return copy


@pytest.fixture(scope="session")
def typesense_cluster(tmp_path_factory):
    """One 3-node Typesense cluster for the session (read-only tests share it)."""
    from tests.typesense_cluster import start_cluster

    cluster = start_cluster(tmp_path_factory.mktemp("typesense"))
    yield cluster
    cluster.stop()
