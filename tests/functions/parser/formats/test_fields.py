"""The shared field helpers: one JSON style for every column a parser writes JSON into."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.parser.formats.base import LEVEL_ALIASES, normalize_level
from functions.parser.formats.fields import json_text, to_float, to_int
from functions.parser.pipeline import parse_lines

RID = "8a1f8b1c-2d3e-4f50-9a6b-7c8d9e0f1a2b"


def test_json_text_is_compact_utf8_and_writes_what_json_cannot_say_as_text() -> None:
    # Given a value with non-ASCII text, a nested list and a value JSON has no type for
    value = {"city": "Zürich", "ids": [1, 2], "at": datetime(2026, 11, 27, tzinfo=UTC)}
    # When it is written, Then there are no spaces after separators, no \u escapes, and the date is its str()
    assert json_text(value) == '{"city":"Zürich","ids":[1,2],"at":"2026-11-27 00:00:00+00:00"}'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.datetimes() | st.decimals(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_json_text_is_what_the_standard_encoder_writes_with_the_house_settings(value: object) -> None:
    """`json_text` calls the C encoder directly: it must write what `json.dumps` writes with the same
    settings, NaN, infinities, lone surrogates, big integers and values JSON has no type for included."""
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    assert json_text(value) == expected


LINES_WITH_ATTRIBUTES = {
    "java_text": f"2026-11-27 05:09:26.320 {RID} INFO  Prüfung.Handler - resized photo.jpg\n",
    "lambda_timeout": f"2026-11-27T05:09:29.000Z {RID} Task timed out after 3.00 seconds\n",
    "lambda_runtime_start": "INIT_START Runtime Version: python:3.12.v38\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:abc\n",
    "lambda_extension": "EXTENSION\tName: lambda-adapter\tState: Ready\tEvents: [INVOKE, SHUTDOWN]\n",
    "lambda_json_app": json.dumps(
        {"time": "2026-11-27T05:09:26Z", "level": "INFO", "message": "ok", "logger": "root", "ré": 1}
    ),
    "powertools_json": json.dumps(
        {
            "level": "INFO",
            "location": "h:1",
            "message": "ok",
            "timestamp": "2026-11-27 05:09:26,320+0000",
            "service": "s",
        }
    ),
    "apigateway_access_json": json.dumps(
        {"requestId": RID, "httpMethod": "GET", "status": "200", "requestTime": "27/Nov/2026:09:12:44 +0000", "k": [1]}
    ),
}


@pytest.mark.parametrize("format_name", sorted(LINES_WITH_ATTRIBUTES))
def test_every_format_stores_attributes_in_the_one_style(format_name: str) -> None:
    # Given a line of the format (by the name it counts under) that leaves something for `attributes`
    parsed = parse_lines([LINES_WITH_ATTRIBUTES[format_name]])
    # When it is parsed
    (attributes,) = parsed.fields["attributes"]
    # Then it was read by that format, and its attributes are compact UTF-8 JSON (rewritten independently)
    assert parsed.format_counts == {format_name: 1}
    assert attributes == json.dumps(json.loads(attributes), ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "42",
        "999999999999999",
        "9007199254740993",
        "١٢",
        " 7 ",
        "12.7",
        "1e3",
        "-3",
        "nan",
        "x",
        "",
        2**53 - 1,
        2**53 + 1,
        -(2**53) - 1,
        2**63,
        5,
        12.9,
        True,
        None,
    ],
)
def test_to_int_and_to_float_read_every_value_as_through_a_float(value: object) -> None:
    # Given a digit string, an int a float may or may not hold exactly, or something else
    # When it is read as a number
    # Then the result is what the float route makes of it: float() of the stripped text, truncated, bounded
    if value is None or isinstance(value, bool):
        expected_float = None
    else:
        try:
            expected_float = float(str(value).strip())
        except ValueError:
            expected_float = None
    got_float = to_float(value)
    assert (got_float is None and expected_float is None) or str(got_float) == str(expected_float)
    ok = expected_float is not None and not math.isnan(expected_float) and abs(expected_float) <= 2**62
    expected_int = int(expected_float) if ok and expected_float is not None else None
    got_int = to_int(value)
    assert got_int == expected_int and type(got_int) is type(expected_int)


@pytest.mark.parametrize("alias", sorted(LEVEL_ALIASES))
def test_normalize_level_reads_any_spelling_of_an_alias(alias: str) -> None:
    # Given a level name as listed, in lower case, capitalized, oddly cased or padded
    spellings = [
        alias,
        alias.lower(),
        alias.capitalize(),
        alias.swapcase().capitalize().swapcase(),
        f" {alias.lower()}\t",
    ]
    # Then each maps to the alias's level
    assert [normalize_level(s) for s in spellings] == [LEVEL_ALIASES[alias]] * len(spellings)
    assert normalize_level(alias + "X") is None
    assert normalize_level([alias]) is None
