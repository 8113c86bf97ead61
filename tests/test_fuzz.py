"""Property tests (Hypothesis) over every search parameter and the query grammar.

Whatever a URL says, the answer is never a 5xx, comes back within a bounded time, and
every result satisfies every filter; with no words, the total equals the number of
articles that satisfy the filters, counted here from an unfiltered listing.

``make test`` runs a small budget; ``make fuzz`` (ARTSEARCH_FUZZ_EXAMPLES=…) a big one, and
also against FakeHealth when ../shared is there.
"""

from __future__ import annotations

import os
import string
import time
from datetime import date, datetime, timezone
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.config import Config
from tests.conftest import FAKEHEALTH
from web.app import create_app

EXAMPLES = int(os.environ.get("ARTSEARCH_FUZZ_EXAMPLES", "40"))
# A request on the fixture corpus takes milliseconds; this bounds a runaway, not speed.
TIME_LIMIT_S = float(os.environ.get("ARTSEARCH_FUZZ_TIME_LIMIT", "5"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # timed by hand below, per request, with a message that says which
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- the query grammar ------------------------------------------------------------------

WORDS = ["vaccine", "vaccines", "Vaccination", "cancer", "breast", "flu", "influenza", "café",
         "cafe", "Zürich", "zurich", "hospital", "screening", "study", "the", "of", "a",
         "misinformation", "xyzzy", "script", "alert", "1", "2016", "l'étude", "co-op", "U.S."]
FIELDS = ["title", "body", "author", "outlet", "published", "year", "url", "id", "slug",
          "nosuch", "TITLE", ""]
OPERATORS = ["AND", "OR", "NOT", "and", "or", "-", "+", "(", ")", "~", "^2", "~2", "&&", "||",
             "!", "*", "?", ":", "\"", "“", "”", "'", "[", "]", "{", "}", "TO", "\\", "/"]
BOUNDS = ["2016-01-01", "2017", "2016-13-45", "a", "z", "", "*", "20170101", "now", "1970-01-01",
          "9999-12-31", "-1"]

word = st.sampled_from(WORDS)
junk = st.text(min_size=1, max_size=12)
wildcard = st.one_of(
    st.builds(lambda w, n: w[:n] + "*", word, st.integers(0, 6)),
    st.builds(lambda w, n: w[:n] + "?" + w[n + 1:], word, st.integers(0, 6)),
    st.builds(lambda w: "*" + w, word),
)
phrase = st.builds(lambda ws, q: q[0] + " ".join(ws) + q[1], st.lists(word, min_size=1, max_size=4),
                   st.sampled_from([('"', '"'), ("“", "”"), ("'", "'"), ('"', ""), ("„", "“")]))
range_ = st.builds(lambda f, a, b, brackets: f"{f}:{brackets[0]}{a} TO {b}{brackets[1]}" if f
                   else f"{brackets[0]}{a} TO {b}{brackets[1]}",
                   st.sampled_from(FIELDS), st.sampled_from(BOUNDS), st.sampled_from(BOUNDS),
                   st.sampled_from(["[]", "{}", "[}", "{]"]))
atom = st.one_of(word, word, wildcard, phrase, range_, junk)
fielded = st.builds(lambda f, a: f"{f}:{a}" if f else a, st.sampled_from(FIELDS), atom)
token = st.one_of(atom, fielded, st.sampled_from(OPERATORS))
query = st.one_of(
    st.lists(token, min_size=0, max_size=12).map(" ".join),
    st.lists(token, min_size=1, max_size=8).map("".join),  # no spaces: punctuation runs together
    st.text(max_size=60),
    st.text(alphabet=string.punctuation + " ", max_size=30),
)

# --- the other parameters ----------------------------------------------------------------

AUTHORS = ["Jane Doe", "John Smith", "jane doe", "Marie Curie", "Nobody Here", "", " Jane  Doe "]
OUTLETS = ["reuters.com", "lemonde.fr", "REUTERS.COM", "nytimes.com", "nosuch.example", ""]
YEARS = ["2016", "2017", "2018", "1999"]
day = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)


def values(known: list[str], extra=junk, max_size: int = 3):
    return st.lists(st.one_of(st.sampled_from(known), extra), max_size=max_size)


params = st.fixed_dictionaries({
    "q": st.lists(query, max_size=2),
    "author": values(AUTHORS),
    "outlet": values(OUTLETS),
    "year": values(YEARS, st.one_of(junk, st.integers(-5, 99999).map(str))),
    "-author": values(AUTHORS, max_size=2),
    "-outlet": values(OUTLETS, max_size=2),
    "-year": values(YEARS, max_size=2),
    "from": st.lists(st.one_of(day, junk, st.just("2017-01-01")), max_size=1),
    "to": st.lists(st.one_of(day, junk, st.just("2017-12-31")), max_size=1),
    "sort": st.lists(st.one_of(st.sampled_from(["relevance", "newest", "oldest", "", "NEWEST"]), junk),
                     max_size=1),
    "page": st.lists(st.one_of(st.integers(-3, 12).map(str), st.just("99999999999999999999"), junk),
                     max_size=1),
    "per_page": st.lists(st.one_of(st.integers(-3, 150).map(str), junk), max_size=1),
})


def url(path: str, chosen: dict[str, list[str]]) -> str:
    pairs = [(key, value) for key, values_ in chosen.items() for value in values_]
    return path + "?" + urlencode(pairs)


def clean(values_: list[str]) -> set[str]:
    return {" ".join(v.split()) for v in values_} - {""}


# --- the app and what it holds ------------------------------------------------------------


class Target:
    def __init__(self, app):
        self.client = app.test_client()
        self.all = self.everything()
        assert self.all, "the fuzzed index is empty"

    def get(self, path: str):
        started = time.perf_counter()
        response = self.client.get(path)
        elapsed = time.perf_counter() - started
        assert response.status_code < 500, f"{response.status_code} for {path}"
        assert elapsed < TIME_LIMIT_S, f"{elapsed:.1f} s for {path}"
        return response

    def get_json(self, path: str) -> dict:
        response = self.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        return response.get_json()

    def everything(self) -> list[dict]:
        """Every article, read page by page with no filter at all."""
        found: list[dict] = []
        page = 1
        while True:
            data = self.get_json(f"/api/search?per_page=100&sort=newest&page={page}")
            found.extend(data["results"])
            if page >= data["pages"]:
                break
            page += 1
        assert len(found) == data["total"]
        return found


@pytest.fixture(scope="module")
def fixture_target(app) -> Target:
    return Target(app)


@pytest.fixture(scope="module")
def fakehealth_target(request) -> Target:
    if EXAMPLES <= 100:
        pytest.skip("FakeHealth is fuzzed by make fuzz (a bigger budget)")
    app = create_app(Config(index_dir=request.getfixturevalue("fakehealth_index")))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return Target(app)


@pytest.fixture(scope="module", params=["fixture", "fakehealth"])
def target(request) -> Target:
    if request.param == "fakehealth" and not FAKEHEALTH.exists():
        pytest.skip("FakeHealth corpus not present")
    return request.getfixturevalue(f"{request.param}_target")


def published_day(result: dict) -> date | None:
    if not result.get("published"):
        return None
    return datetime.fromisoformat(result["published"]).astimezone(timezone.utc).date()


class Filters:
    """What the chosen parameters ask of every result, worked out here, not by the app."""

    def __init__(self, chosen: dict[str, list[str]], echoed: dict, skip: str = ""):
        self.include = {key: clean(chosen.get(key, [])) for key in ("author", "outlet", "year") if key != skip}
        self.exclude = {key: clean(chosen.get("-" + key, [])) for key in ("author", "outlet", "year")}
        self.start = date.fromisoformat(echoed["from"]) if echoed["from"] else None
        self.end = date.fromisoformat(echoed["to"]) if echoed["to"] else None

    @staticmethod
    def values(result: dict, key: str) -> set[str]:
        if key == "author":
            return set(result["authors"])
        if key == "outlet":
            return {result["outlet"]} if result["outlet"] else set()
        day_ = published_day(result)
        return {str(day_.year)} if day_ else set()

    def hold_for(self, result: dict) -> bool:
        for key, wanted in self.include.items():
            if wanted and not wanted & self.values(result, key):
                return False
        for key, unwanted in self.exclude.items():
            if unwanted & self.values(result, key):
                return False
        day_ = published_day(result)
        if (self.start or self.end) and day_ is None:
            return False
        return not (self.start and day_ < self.start or self.end and day_ > self.end)


# --- the properties -----------------------------------------------------------------------


@FUZZ
@given(chosen=params, html=st.booleans())
def test_any_search_url_is_answered_and_filters_hold(target, chosen, html):
    response = target.get(url("/" if html else "/api/search", chosen))
    if response.status_code != 200:
        assert response.status_code in {400, 413, 414, 503}, response.status_code
        if not html:
            assert response.get_json()["error"]
        return
    if html:
        assert b"Traceback" not in response.data
        return
    data = response.get_json()
    filters = Filters(chosen, data["request"])
    assert len(data["results"]) <= data["per_page"] <= 100
    assert data["total"] >= len(data["results"])
    for result in data["results"]:
        assert filters.hold_for(result), (result, chosen)
    if not data["request"]["q"] and not data.get("partial"):
        assert data["total"] == sum(filters.hold_for(r) for r in target.all), chosen


@FUZZ
@given(chosen=params, name=st.one_of(st.sampled_from(["author", "outlet", "year"]), junk),
       prefix=st.lists(st.one_of(word, junk, st.just("")), max_size=1),
       limit=st.lists(st.one_of(st.integers(-2, 2000).map(str), junk), max_size=1))
def test_any_facet_listing_is_answered_and_counts_hold(target, chosen, name, prefix, limit):
    from urllib.parse import quote

    chosen = {**chosen, "prefix": prefix, "limit": limit}
    response = target.get(url(f"/api/facets/{quote(name, safe='')}", chosen))
    if response.status_code in {301, 308}:  # "a//b" once %2F is decoded: merged, on this site
        assert response.headers["Location"].startswith("/api/facets/")
        return
    if response.status_code != 200:
        assert response.status_code in {400, 404, 503}, response.status_code
        assert response.get_json()["error"]
        return
    data = response.get_json()
    assert len(data["values"]) <= data["total_values"]
    assert all(v["count"] > 0 for v in data["values"])
    if data["request"]["q"] or any(chosen["-" + key] for key in ("author", "outlet", "year")):
        return
    # Disjunctive counts: every filter except the facet's own, counted over the listing.
    filters = Filters(chosen, data["request"], skip=name)
    for value in data["values"]:
        expected = sum(filters.hold_for(r) and value["value"] in Filters.values(r, name) for r in target.all)
        assert value["count"] == expected, (name, value, chosen)


@FUZZ
@given(q=query)
def test_query_grammar_never_fails(target, q):
    for path in ("/api/search", "/"):
        response = target.get(url(path, {"q": [q]}))
        assert response.status_code in {200, 400, 503}, response.status_code


@FUZZ
@given(q=query, pick=st.integers(0, 10_000))
def test_article_page_highlights_any_query(target, q, pick):
    article = target.all[pick % len(target.all)]
    response = target.get(url(f"/articles/{article['id']}/{article['slug']}", {"q": [q]}))
    assert response.status_code in {200, 400, 503}
    assert b"Traceback" not in response.data


@FUZZ
@given(article_id=st.text(max_size=40))
def test_any_article_id_is_a_page_or_a_404(target, article_id):
    from urllib.parse import quote

    for prefix in ("/api/articles/", "/articles/"):
        response = target.get(prefix + quote(article_id, safe=""))
        assert response.status_code in {200, 301, 302, 308, 404}, (response.status_code, article_id)


@FUZZ
@given(chosen=params, fmt=st.sampled_from(["jsonl", "csv", "atom"]))
def test_any_export_is_answered_and_every_row_holds(target, chosen, fmt):
    import json

    response = target.get(url(f"/search.{fmt}", chosen))
    if response.status_code != 200:
        assert response.status_code in {400, 413, 414, 503}, response.status_code
        return
    if fmt != "jsonl":
        return
    header, *rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines() if line]
    export = header["export"]
    filters = Filters(chosen, export["filters"])
    assert len(rows) == export["total"]
    for row in rows:
        assert filters.hold_for(row), (row, chosen)
    if not export["query"]:
        assert export["total"] == sum(filters.hold_for(r) for r in target.all), chosen
