"""The shared field helpers: one JSON style for every column a parser writes JSON into."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from functions.parser.formats.fields import json_text
from functions.parser.pipeline import parse_lines

RID = "8a1f8b1c-2d3e-4f50-9a6b-7c8d9e0f1a2b"


def test_json_text_is_compact_utf8_and_writes_what_json_cannot_say_as_text() -> None:
    # Given a value with non-ASCII text, a nested list and a value JSON has no type for
    value = {"city": "Zürich", "ids": [1, 2], "at": datetime(2026, 11, 27, tzinfo=UTC)}
    # When it is written, Then there are no spaces after separators, no \u escapes, and the date is its str()
    assert json_text(value) == '{"city":"Zürich","ids":[1,2],"at":"2026-11-27 00:00:00+00:00"}'


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
