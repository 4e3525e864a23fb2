"""Malformed and unsupported filter patterns: one error per class, each naming its position."""

from __future__ import annotations

import pytest

from loglake.cwlogs_query.errors import QuerySyntaxError
from loglake.cwlogs_query.filter_ast import (
    DelimitedPattern,
    JsonAnd,
    JsonOr,
    JsonPattern,
    NumberValue,
    StringValue,
    TermGroup,
    TextPattern,
)
from loglake.cwlogs_query.filter_parser import parse_filter_pattern

ERRORS = [
    # (pattern, message fragment, 1-based position)
    ('ERROR "unterminated', "unterminated quoted string", 7),
    ('ERR"OR', "a quote inside a term", 4),
    ("ERROR ?", "expected a term after '?' or '-'", 8),
    ("%ERROR [0-9]+%", "regular expression filter patterns (%...%) are not supported", 1),
    ("{ $.level = ERROR ", "expected '}' closing the JSON pattern", 19),
    ('{ $.level = "ERROR" } extra', "unexpected text after the end of the pattern", 23),
    ("{ level = 1 }", "expected a selector starting with '$'", 3),
    ("{ $ = 1 }", "a selector needs at least one key", 3),
    ("{ $.* = 1 }", "wildcard selectors ($.*) are not supported", 5),
    ("{ $.a[x] = 1 }", "expected an array index like [0]", 6),
    ("{ $.a ~ 1 }", "expected a comparison operator", 7),
    ("{ $.a = }", "expected a value", 9),
    ("{ $.a > fast }", "'>' compares numbers: expected a number", 9),
    ("{ $.a = %b% }", "regular expressions (%...%) are not supported", 9),
    ("{ $.a IS MAYBE }", "expected NULL, TRUE or FALSE after IS", 10),
    ("{ $.a NOT THERE }", "expected EXISTS after NOT", 11),
    ("{ ($.a = 1 }", "expected ')'", 12),
    ("[a, ..., b, ...]", "only one '...' is supported", 13),
    ("[a = 1 && b = 2, b]", "a condition in field 'a' must name 'a'", 11),
    ("[a, @b]", "expected a field name", 5),
    ("[a b]", "expected a comparison operator", 4),
    ("[a = 1 b]", "expected ',' or ']'", 8),
]


@pytest.mark.parametrize(("pattern", "fragment", "position"), ERRORS, ids=[e[0] for e in ERRORS])
def test_malformed_pattern_names_the_problem_and_its_position(pattern: str, fragment: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_filter_pattern(pattern)
    assert fragment in caught.value.reason
    assert caught.value.position + 1 == position
    assert f"(at position {position})" in str(caught.value)
    assert str(caught.value).splitlines()[-1] == "  " + " " * (position - 1) + "^"


def test_terms_make_groups_started_by_question_marks() -> None:
    assert parse_filter_pattern('?ERROR "Task timed out" ?WARN -retry') == TextPattern(
        (TermGroup(("ERROR", "Task timed out"), ()), TermGroup(("WARN",), ("retry",)))
    )
    assert parse_filter_pattern("   ") == TextPattern(())


def test_and_binds_tighter_than_or() -> None:
    parsed = parse_filter_pattern("{ $.a = 1 || $.b = 2 && $.c = 3 }")
    assert isinstance(parsed, JsonPattern)
    assert isinstance(parsed.expr, JsonOr) and isinstance(parsed.expr.right, JsonAnd)


def test_values_are_numbers_or_strings_with_wildcards_at_the_ends() -> None:
    parsed = parse_filter_pattern('[a = -1.5e3, b = "x y*", c = *z, d = 1.2.3, e = Ev*ent]')
    assert isinstance(parsed, DelimitedPattern)
    values = [slot.conditions[0][0].value for slot in parsed.before]
    assert values == [
        NumberValue(-1500.0, "-1.5e3"),
        StringValue("x y", "prefix"),
        StringValue("z", "suffix"),
        StringValue("1.2.3", "exact"),
        StringValue("Ev*ent", "exact"),
    ]
