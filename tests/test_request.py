from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from index.config import Config
from index.errors import InvalidFilterError
from search.request import SearchRequest


def test_from_args_reads_everything():
    args = MultiDict([("q", "  flu   vaccine "), ("outlet", "reuters.com"), ("outlet", "nytimes.com"),
                      ("author", "Jane Doe"), ("from", "2016-01-01"), ("to", "2016-12-31"),
                      ("sort", "newest"), ("page", "2"), ("per_page", "20")])
    req = SearchRequest.from_args(args)
    assert req == SearchRequest(q="flu vaccine", outlet=("reuters.com", "nytimes.com"), author=("Jane Doe",),
                                date_from=date(2016, 1, 1), date_to=date(2016, 12, 31), sort="newest",
                                page=2, per_page=20)


def test_defaults_and_empty_query_sorts_newest():
    assert SearchRequest.from_args(MultiDict()) == SearchRequest(sort="newest")
    assert SearchRequest.from_args(MultiDict([("q", "x")])).sort == "relevance"


@pytest.mark.parametrize("args, message", [
    ({"from": "2016-13-01"}, "'from' must be a date"),
    ({"to": "yesterday"}, "'to' must be a date"),
    ({"from": "2017-01-01", "to": "2016-01-01"}, "is after"),
    ({"page": "0"}, "'page' must be between"),
    ({"page": "two"}, "'page' must be a whole number"),
    ({"per_page": "101"}, "'per_page' must be between 1 and 100"),
    ({"sort": "random"}, "sort must be one of"),
    ({"year": "16"}, "year must be four digits"),
])
def test_invalid_parameters_raise_with_a_clear_message(args, message):
    with pytest.raises(InvalidFilterError, match=message) as info:
        SearchRequest.from_args(MultiDict(args))
    assert info.value.status == 400


def test_to_args_round_trips_and_omits_defaults():
    req = SearchRequest(q="flu", outlet=("a.com",), date_from=date(2016, 1, 1), page=3)
    assert req.to_args() == [("q", "flu"), ("outlet", "a.com"), ("from", "2016-01-01"), ("page", "3")]
    assert SearchRequest.from_args(MultiDict(req.to_args())) == req


def test_toggle_adds_and_removes_and_resets_page():
    req = SearchRequest(q="flu", outlet=("a.com",), page=4)
    added = req.toggle("outlet", "b.com")
    assert added.outlet == ("a.com", "b.com") and added.page == 1
    assert added.toggle("outlet", "a.com").outlet == ("b.com",)


def test_page_size_follows_config():
    assert SearchRequest.from_args(MultiDict(), Config(page_size=25)).per_page == 25


def test_inclusive_end_of_day_in_utc():
    req = SearchRequest(date_to=date(2016, 12, 31))
    assert req.end.isoformat() == "2016-12-31T23:59:59.999999+00:00"


def reference_args(req: SearchRequest) -> list[tuple[str, str]]:
    """The query string read field by field from a built request (the plain path)."""
    pairs = [("q", req.q)] if req.q else []
    pairs += [(key, v) for key in ("author", "outlet", "year") for v in getattr(req, key)]
    pairs += [("-" + key, v) for key in ("author", "outlet", "year") for v in getattr(req, "not_" + key)]
    pairs += [("from", req.date_from.isoformat())] if req.date_from else []
    pairs += [("to", req.date_to.isoformat())] if req.date_to else []
    pairs += [("cluster", req.cluster)] if req.cluster else []
    pairs += [("collapse", "0")] if not req.collapse else []
    pairs += [("sort", req.sort)] if not req.sort_is_default else []
    pairs += [("page", str(req.page))] if req.page != 1 else []
    pairs += [("per_page", str(req.per_page))] if req.per_page != req.default_per_page else []
    return pairs


_values = st.lists(st.sampled_from(["a.com", "b.com", "Jane Doe", "2016"]), max_size=2, unique=True).map(tuple)
_dates = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 12, 31)))
_fields = {
    "q": st.sampled_from(["", "flu", "a & b"]), "author": _values, "outlet": _values, "year": _values,
    "not_author": _values, "not_outlet": _values, "date_from": _dates, "date_to": _dates,
    "sort": st.sampled_from(["relevance", "newest", "oldest"]), "page": st.integers(1, 3),
    "per_page": st.sampled_from([10, 20]), "cluster": st.sampled_from(["", "c0123456789ab"]),
    "collapse": st.booleans(),
}


@given(st.fixed_dictionaries({}, optional=_fields), st.fixed_dictionaries({}, optional=_fields),
       st.sampled_from(["author", "outlet", "year"]), st.sampled_from(["a.com", "2016", "new"]))
@settings(max_examples=500, deadline=None)
def test_links_built_without_a_new_request_equal_links_of_the_new_request(fields, overrides, key, value):
    req = SearchRequest(**fields)
    assert req.to_args() == reference_args(req)
    assert req.to_args(**overrides) == reference_args(req.replace(**overrides))
    assert req.to_args(**req.toggle_changes(key, value)) == reference_args(req.toggle(key, value))
    assert req.to_args(**req.exclude_changes(key, value)) == reference_args(req.exclude(key, value))


def test_to_args_refuses_what_is_not_a_field():
    with pytest.raises(TypeError):
        SearchRequest().to_args(pages=2)
