"""The reference evaluator against the documented examples (expected matches worked out by hand)."""

from __future__ import annotations

import pytest

from loglake.cwlogs_query.filter_eval import delimited_fields, extract, matches, split_fields
from loglake.cwlogs_query.filter_parser import parse_filter_pattern
from tests.loglake.cwlogs_query.filter_doc_cases import APACHE, SECTIONS, DocSection

CASES = [(section, pattern, expected) for section in SECTIONS for pattern, expected in section.cases]


@pytest.mark.parametrize(("section", "pattern", "expected"), CASES, ids=[f"{s.log_group}:{p}" for s, p, _ in CASES])
def test_documented_pattern_matches_the_documented_events(
    section: DocSection, pattern: str, expected: frozenset[str]
) -> None:
    # Given the events of one documentation example and a pattern
    parsed = parse_filter_pattern(pattern)
    # When each event is evaluated
    matched = {label for label, message in section.events.items() if matches(parsed, message)}
    # Then exactly the events worked out by hand match
    assert matched == expected


def test_space_delimited_fields_are_split_as_the_documentation_extracts_them() -> None:
    # Given the page's extraction example
    pattern = parse_filter_pattern("[..., request=*.html*, status_code=4*,]")
    # When the event is matched
    fields = delimited_fields(pattern, APACHE.events["html_404"])
    # Then the fields are those the page lists: named, and numbered where the pattern names none
    assert fields is not None
    assert fields["status_code"] == "404"
    assert fields["request"] == "GET /index.html HTTP/1.0"
    assert (fields["7"], fields["4"], fields["3"], fields["2"], fields["1"]) == (
        "1534",
        "10/Oct/2000:13:25:15 -0700",
        "frank",
        "-",
        "127.0.0.1",
    )


def test_a_bracket_or_quote_without_its_end_is_an_ordinary_field() -> None:
    assert split_fields('a [b c "d e') == ["a", "[b", "c", '"d', "e"]
    assert split_fields('[x] "y z" [') == ["x", "y z", "["]


def test_metric_values_come_from_the_selector_or_the_field() -> None:
    # "{ $.latency = * }" with metric value $.latency publishes 50 for the page's event
    json_pattern = parse_filter_pattern("{ $.latency = * }")
    assert extract(json_pattern, '{"latency": 50, "requestType": "GET"}', "$.latency") == 50.0
    assert extract(json_pattern, '{"latency": "50"}', "$.latency") is None
    delimited = parse_filter_pattern("[ip, user, username, timestamp, request, status_code, bytes]")
    assert extract(delimited, APACHE.events["err_5324"], "$bytes") == 5324.0
    assert extract(delimited, APACHE.events["err_5324"], "$6") == 500.0
