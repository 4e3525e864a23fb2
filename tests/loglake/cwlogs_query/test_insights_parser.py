"""Malformed and unsupported Insights queries: one error per class, each naming its position."""

from __future__ import annotations

import re

import pytest

from loglake.cwlogs_query.errors import QuerySyntaxError
from loglake.cwlogs_query.insights_ast import Binary, Fields, Filter, Like, Parse, Regex, Sort, Stats
from loglake.cwlogs_query.insights_parser import glob_regex, named_groups, parse_insights
from loglake.cwlogs_query.insights_sql import to_sql

PARSE_ERRORS = [
    # (query, message fragment, 1-based position)
    ("fields @message | unnest @message", "unsupported command 'unnest'", 19),
    ("fields @message | pattern @message", "unsupported command 'pattern'", 19),
    ("fields @message |", "expected a command", 18),
    ("fields @message limit 5", "expected '|' between commands", 17),
    ('filter @message like "oops', "unterminated string", 22),
    ("filter @message like /oops", "unterminated regular expression", 22),
    ("filter @message like 5", 'expected a "string" or a /regex/ after like', 22),
    ("fields `foo-bar", "unterminated `field name`", 8),
    ("fields (@message", "expected ')'", 17),
    ("filter x in [1, y]", "expected a number or a string in the list", 17),
    ("limit many", "expected a number of rows", 7),
    ('parse @message "[*] *" as a', "the glob has 2 '*' but 1 names follow 'as'", 16),
    ('parse @message "[*]"', "expected 'as' and the names of the glob's fields", 21),
    ("parse @message /no groups/", "a parse regex needs named groups", 16),
    ("parse @message 5", "expected a glob string or a /regex/", 16),
    ("filter @duration > ", "expected a value, a field or a function", 20),
    ("stats count(*) by bin(500ms)", "periods shorter than a second are not supported", 23),
]

TRANSLATION_ERRORS = [
    ("fields isValidIp(@message)", "unsupported function 'isvalidip'", 8),
    ("fields count(*)", "count() is an aggregate function: use it in stats", 8),
    ("stats count(*) by bin(5m) | fields @message", "unknown field '@message' among the columns stats made", 36),
    ("fields @nope", "unknown field '@nope' in the events", 8),
    ("stats @duration by @logStream", "stats needs an aggregate function", 7),
    ("fields strlen(@message, 2)", "strlen() takes 1 argument(s), got 2", 8),
    ("stats pct(@duration, fast)", "pct() takes a field and a percentile", 7),
    ("fields bin(@timestamp)", "bin() takes a period, like bin(5m)", 8),
    ("fields 5m", "a period like 5m belongs in bin() or datefloor()", 8),
    ("stats count(*) by @logStream | stats latest(@logStream)", "latest() needs the events' @timestamp", 38),
]


@pytest.mark.parametrize(("query", "fragment", "position"), PARSE_ERRORS + TRANSLATION_ERRORS)
def test_malformed_or_unsupported_query_names_the_problem_and_its_position(
    query: str, fragment: str, position: int
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        to_sql(query)
    assert fragment in caught.value.reason
    assert caught.value.position + 1 == position
    assert f"(at position {position})" in str(caught.value)


def test_comment_lines_are_ignored_and_positions_still_point_into_the_query() -> None:
    # The documentation's comment example: the second line is ignored
    query = "fields @timestamp, @message\n    # | filter @message like /delay/\n    | limit 20"
    parsed = parse_insights(query)
    assert [type(c).__name__ for c in parsed.commands] == ["Fields", "Limit"]
    with pytest.raises(QuerySyntaxError) as caught:
        parse_insights("# a comment\nfields @message | bogus")
    assert caught.value.position == len("# a comment\nfields @message | ")
    assert caught.value.reason == "unsupported command 'bogus'"


def test_precedence_of_operators() -> None:
    parsed = parse_insights("filter a = 1 or b > 2 and c like /x|y/ | sort f1 desc, f2")
    condition = parsed.commands[0]
    assert isinstance(condition, Filter) and isinstance(condition.condition, Binary)
    assert condition.condition.op == "or" and isinstance(condition.condition.right, Binary)
    assert condition.condition.right.op == "and"
    like = condition.condition.right.right
    assert isinstance(like, Like) and isinstance(like.pattern, Regex) and like.pattern.pattern == "x|y"
    sort = parsed.commands[1]
    assert isinstance(sort, Sort) and [k.descending for k in sort.keys] == [True, False]


def test_items_are_named_by_alias_field_or_text() -> None:
    parsed = parse_insights("stats count(*), avg(@duration) as avg_ms by bin(5m), @logStream | fields abs(f3-f4)")
    stats, fields = parsed.commands
    assert isinstance(stats, Stats) and isinstance(fields, Fields)
    assert [i.name for i in stats.aggregates] == ["count(*)", "avg_ms"]
    assert [i.name for i in stats.by] == ["bin(5m)", "@logStream"]
    assert [i.name for i in fields.items] == ["abs(f3-f4)"]


def test_glob_and_named_group_regexes_extract_the_documented_fields() -> None:
    # CWL_QuerySyntax, parse: both forms give level ERROR, config {foo=2, bar=data}, exception DataIntegrityException
    line = "25 May 2019 10:24:39,474 [ERROR] {foo=2, bar=data} The error was: DataIntegrityException"
    glob = parse_insights('parse @message "[*] * The error was: *" as level, config, exception').commands[0]
    regex = parse_insights(
        r"parse @message /\[(?<level>\S+)\]\s+(?<config>\{.*\})\s+The error was: (?<exception>\S+)/"
    ).commands[0]
    for command in (glob, regex):
        assert isinstance(command, Parse)
        match = re.search(command.regex, line)
        assert match is not None
        assert [match.group(g) for g in command.groups] == ["ERROR", "{foo=2, bar=data}", "DataIntegrityException"]
        assert command.names == ("level", "config", "exception")


def test_named_groups_are_numbered_among_all_capturing_groups() -> None:
    regex, names, groups = named_groups(r"(a)(?:b)(?<x>c)[(](?<y>d)\(", "q", 0)
    assert (regex, names, groups) == (r"(a)(?:b)(c)[(](d)\(", ("x", "y"), (2, 3))
    assert glob_regex("a.b * c*") == r"a\.b (.*?) c(.*)"
