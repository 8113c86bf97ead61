from datetime import date

import pytest
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
