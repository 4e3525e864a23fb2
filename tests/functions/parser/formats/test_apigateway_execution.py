"""API Gateway execution logs: `(<request id>) <message>` lines and the execution log group name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from functions.parser.formats.apigateway_execution import (
    EXECUTION,
    EXECUTION_FIELDS,
    api_and_stage_from_group,
    parse_execution,
)
from functions.parser.formats.base import Row
from schemas.events import EVENTS

EVENTS_DIR = Path(__file__).parents[3] / "events" / "apigateway"
REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
MALFORMED_TAIL = 3


def fixture_lines() -> list[str]:
    return (EVENTS_DIR / "execution.log").read_text(encoding="utf-8").splitlines()


def columns(row: Row | None) -> dict[str, Any]:
    assert row is not None
    assert len(row) == len(EXECUTION_FIELDS)
    return dict(zip(EXECUTION_FIELDS, row, strict=True))


def parsed(message: str) -> dict[str, Any]:
    return columns(parse_execution(f"({REQUEST_ID}) {message}"))


def test_execution_format_fills_only_schema_columns() -> None:
    # Given the execution format
    # Then its fields are events columns, in the order of the parser's tuple
    assert EXECUTION.fields == (
        "record_type",
        "source",
        "request_id",
        "level",
        "message",
        "status_code",
        "http_method",
        "resource_path",
        "integration_latency_ms",
        "trace_id",
    )
    assert set(EXECUTION.fields) <= set(EVENTS.names)
    assert EXECUTION.parse is parse_execution


def test_round_trip_every_fixture_line_gives_a_full_row_except_the_malformed_tail() -> None:
    # Given the execution fixture, whose last lines are malformed
    lines = fixture_lines()
    # When every line is parsed
    rows = [EXECUTION.parse(line) for line in lines]
    # Then each well-formed line is a row as long as the fields, and only the tail is None
    assert all(row is not None and len(row) == len(EXECUTION.fields) for row in rows[:-MALFORMED_TAIL])
    assert rows[-MALFORMED_TAIL:] == [None] * MALFORMED_TAIL
    assert {row[0] for row in rows if row} == {"execution"}
    assert {row[1] for row in rows if row} == {"apigateway"}


def test_a_successful_request_is_info_and_ends_with_its_status() -> None:
    # Given the lines of the first (successful) request in the fixture
    first_request = [line for line in fixture_lines()[:-MALFORMED_TAIL] if line.startswith(f"({REQUEST_ID})")]
    rows = [columns(parse_execution(line)) for line in first_request]
    # When they are parsed
    # Then they share the request id, are all INFO, and only the integration's response and the
    # completion line state a status
    assert len(rows) == 17
    assert {row["request_id"] for row in rows} == {REQUEST_ID}
    assert {row["level"] for row in rows} == {"INFO"}
    assert [row["status_code"] for row in rows if row["status_code"] is not None] == [200, 200]
    assert rows[0]["message"] == "Extended Request Id: Kx0AbHmXoAMEd1A="


def test_the_message_drops_the_prefix_and_trailing_blanks() -> None:
    # Given the empty-body line, which ends with a space in CloudWatch
    row = parsed("Method request body before transformations: ")
    # Then the message is the text after the prefix, right-stripped
    assert row == {
        "record_type": "execution",
        "source": "apigateway",
        "request_id": REQUEST_ID,
        "level": "INFO",
        "message": "Method request body before transformations:",
        "status_code": None,
        "http_method": None,
        "resource_path": None,
        "integration_latency_ms": None,
        "trace_id": None,
    }


@pytest.mark.parametrize(
    ("message", "level", "status"),
    [
        ("Method completed with status: 200", "INFO", 200),
        ("Method completed with status: 403", "WARN", 403),
        ("Method completed with status: 429", "WARN", 429),
        ("Method completed with status: 502", "ERROR", 502),
        (
            "Execution failed due to configuration error: Invalid permissions on Lambda function",
            "ERROR",
            None,
        ),
        ("Execution failed due to a timeout error", "ERROR", None),
        ("Endpoint request timed out", "ERROR", None),
        (
            "Lambda execution failed with status 200 due to customer function error: division by zero. "
            "Lambda request id: 2b8f3c1d-4e5a-4b6c-8d7e-9f0a1b2c3d4e",
            "ERROR",
            None,
        ),
        ("Lambda invocation failed with status: 429. Lambda request id: 6c7d8e9f", "ERROR", None),
        ('Endpoint response body before transformations: {"errorMessage":"division by zero"}', "INFO", None),
        ("Received response. Status: 500, Integration latency: 24 ms", "INFO", 500),
        (
            "API Key **********************************wxyz not authorized because method 'POST /orders'",
            "INFO",
            None,
        ),
        ("Successfully completed execution", "INFO", None),
    ],
)
def test_level_and_status_code(message: str, level: str, status: int | None) -> None:
    # Given an execution line
    # When it is parsed
    row = parsed(message)
    # Then gateway failures are ERROR, the completion status sets status and level,
    # and a logged body is not a failure
    assert (row["level"], row["status_code"], row["message"]) == (level, status, message)


def test_a_multi_line_body_stays_in_one_message() -> None:
    # Given an execution event whose logged body spans lines
    line = f'({REQUEST_ID}) Endpoint response body before transformations: {{\n  "ok": true\n}}\n'
    # When it is parsed
    row = columns(parse_execution(line))
    # Then the whole body is the message
    assert row["message"] == 'Endpoint response body before transformations: {\n  "ok": true\n}'


def test_a_non_numeric_completion_status_leaves_status_empty() -> None:
    row = columns(parse_execution(fixture_lines()[-MALFORMED_TAIL - 1]))
    assert (row["status_code"], row["level"]) == (None, "INFO")


@pytest.mark.parametrize(
    "line",
    [
        "Method completed with status: 200",
        f"({REQUEST_ID})",
        f"({REQUEST_ID}) ",
        f"({REQUEST_ID}    ",
        f"({REQUEST_ID} Method completed with status: 200",
        "() Method completed with status: 200",
        "(a b) Method completed",
        "",
    ],
)
def test_lines_without_the_request_prefix_or_a_message_are_rejected(line: str) -> None:
    # Given a line that lacks the `(<id>) ` prefix or any text after it
    # Then it is not an execution row
    assert parse_execution(line) is None


def test_parser_never_raises_on_prefixes_or_non_strings() -> None:
    # Given every prefix of every fixture line, and values that are not strings
    for line in fixture_lines():
        for end in range(len(line) + 1):
            row = parse_execution(line[:end])
            # Then each gives None or a full row
            assert row is None or len(row) == len(EXECUTION_FIELDS)
    for value in (None, 3, b"(x) y", ["(x) y"], {"message": "(x) y"}):
        assert parse_execution(value) is None  # type: ignore[arg-type]


def test_placeholder_request_id_is_none() -> None:
    row = columns(parse_execution("(-) Method completed with status: 200"))
    assert (row["request_id"], row["status_code"]) == (None, 200)


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("API-Gateway-Execution-Logs_a1b2c3d4e5/prod", ("a1b2c3d4e5", "prod")),
        ("API-Gateway-Execution-Logs_x9y8z7w6v5/$default", ("x9y8z7w6v5", "$default")),
        ("API-Gateway-Execution-Logs_a1b2c3d4e5", ("a1b2c3d4e5", None)),
        ("API-Gateway-Execution-Logs_/prod", (None, None)),
        ("API-Gateway-Execution-Logs_a1b2c3d4e5/prod/extra", (None, None)),
        ("/aws/lambda/items-api", (None, None)),
        ("/aws/apigateway/welcome", (None, None)),
        ("", (None, None)),
    ],
)
def test_api_and_stage_from_group(group: str, expected: tuple[str | None, str | None]) -> None:
    # Given a log group name
    # When the API id and stage are read from it
    # Then only the execution log group pattern yields them
    assert api_and_stage_from_group(group) == expected


def test_api_and_stage_from_group_tolerates_non_strings() -> None:
    assert api_and_stage_from_group(None) == (None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("message", "filled"),
    [
        ("HTTP Method: GET, Resource Path: /echo", {"http_method": "GET", "resource_path": "/echo"}),
        (
            "HTTP Method: POST, Resource Path: /verifyReceipt",
            {"http_method": "POST", "resource_path": "/verifyReceipt"},
        ),
        ("Received response. Integration latency: 11029 ms", {"integration_latency_ms": 11029.0, "status_code": None}),
        (
            "Received response. Status: 200, Integration latency: 86 ms",
            {"integration_latency_ms": 86.0, "status_code": 200},
        ),
        ("X-ray Tracing ID : 1-5c7674f4-a3491d0a9c8012c191821b83", {"trace_id": "1-5c7674f4-a3491d0a9c8012c191821b83"}),
    ],
)
def test_lines_that_state_a_fact_fill_its_column(message: str, filled: dict[str, Any]) -> None:
    # Given an execution line that states the method and path, the integration's answer or the trace
    row = parsed(message)
    # Then that column holds it, and the line stays an INFO execution row of its request
    assert {key: row[key] for key in filled} == filled
    assert (row["record_type"], row["request_id"], row["level"]) == ("execution", REQUEST_ID, "INFO")
