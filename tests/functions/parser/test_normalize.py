"""Normalizing whole batches: one row per event, context columns, request id inheritance, versions."""

from __future__ import annotations

import json

import pytest

from functions.parser.decode import LogBatch, batch_from_json
from functions.parser.normalize import (
    SCHEMA,
    BatchContext,
    function_name_of,
    inherit_request_ids,
    normalize,
    source_of,
    version_of,
)
from tests.support import ALL_LAMBDA_PAYLOADS, load_payload

CTX = BatchContext(region="eu-west-1", ingest_time_ms=1_795_900_000_000)


def batch(name: str) -> LogBatch:
    b = batch_from_json(json.dumps(load_payload(name)).encode())
    assert b is not None
    return b


@pytest.mark.parametrize("name", ALL_LAMBDA_PAYLOADS)
def test_every_event_is_one_row_with_its_id_time_and_raw_text(name: str) -> None:
    # Given a payload, When normalized
    b = batch(name)
    table = normalize(b, CTX).table
    # Then the table has the schema, one row per event, in order, and keeps the raw text exactly
    assert table.schema.equals(SCHEMA)
    assert table.num_rows == len(b)
    assert table["event_id"].to_pylist() == b.event_ids
    assert [t.timestamp() * 1000 for t in table["event_time"].to_pylist()] == pytest.approx(b.timestamps)
    assert table["raw"].to_pylist() == b.messages
    assert set(table["account_id"].to_pylist()) == {"123456789012"}
    assert set(table["region"].to_pylist()) == {"eu-west-1"}
    assert set(table["log_group"].to_pylist()) == {b.log_group}
    assert set(table["source"].to_pylist()) == {"lambda"}


def test_python_text_batch_rows() -> None:
    table = normalize(batch("awslogs_python_text.json"), CTX).table
    rows = table.to_pylist()
    types = [r["record_type"] for r in rows]
    assert types == [
        "init_start",
        "start",
        "app",
        "app",
        "app",
        "runtime_error",
        "end",
        "report",
        "start",
        "timeout",
        "end",
        "report",
        "unknown",
    ]
    first, second = "d1527f2e-75d1-404c-856f-b42bbda5d90b", "a0c9ec80-9b8b-409e-8b92-4a4c006c15c1"
    # the print line and the traceback (no request id of their own) belong to the invocation in flight
    assert [r["request_id"] for r in rows] == [
        None,
        first,
        first,
        first,
        first,
        first,
        first,
        first,
        second,
        second,
        second,
        second,
        None,
    ]
    assert {r["function_name"] for r in rows} == {"orders-api"}
    assert {r["function_version"] for r in rows} == {"7"}
    assert rows[3]["message"] == "hello world" and rows[3]["level"] is None
    report = rows[7]
    assert (report["duration_ms"], report["billed_duration_ms"], report["init_duration_ms"]) == (
        10.52,
        11,
        114.87,
    )
    assert rows[12]["message"] == "REPORT invalid report log line" and rows[12]["duration_ms"] is None


def test_batch_starting_mid_invocation_takes_the_id_from_the_closing_lines() -> None:
    rows = normalize(batch("awslogs_node_text_mid_invocation.json"), CTX).table.to_pylist()
    assert {r["request_id"] for r in rows} == {"3f1c5e2a-1b2c-4d5e-8f90-123456789abc"}
    assert rows[0]["function_version"] == "$LATEST"


def test_version_from_start_wins_over_the_stream_name() -> None:
    b = batch("awslogs_python_text.json")
    messages = list(b.messages)
    messages[1] = "START RequestId: d1527f2e-75d1-404c-856f-b42bbda5d90b Version: 8\n"
    changed = LogBatch(b.owner, b.log_group, b.log_stream, b.event_ids, b.timestamps, messages)
    versions = normalize(changed, CTX).table["function_version"].to_pylist()
    assert versions[1] == "8" and versions[0] == "7"


def test_inheritance_never_crosses_invocations() -> None:
    record_type = ["app", "start", "app", "end", "report", "app", "start", "app"]
    request_id = [None, "A", None, "A", "A", None, "B", None]
    assert inherit_request_ids(record_type, request_id) == [
        None,
        "A",
        "A",
        "A",
        "A",
        None,
        "B",
        "B",
    ]


def test_custom_named_group_with_lambda_lines_is_lambda_and_other_text_is_unknown() -> None:
    b = batch("awslogs_python_text.json")
    custom = LogBatch(b.owner, "my-app/custom-logs", "stream-1", b.event_ids, b.timestamps, b.messages)
    rows = normalize(custom, CTX).table.to_pylist()
    assert {r["source"] for r in rows} == {"lambda"}
    assert {r["function_name"] for r in rows} == {None}
    plain = LogBatch(b.owner, "nginx", "s", ["1", "2"], [1, 2], ["GET / 200", "{not json"])
    assert normalize(plain, CTX).table["record_type"].to_pylist() == ["unknown", "unknown"]


def test_group_and_stream_helpers() -> None:
    assert source_of("/aws/lambda/x") == "lambda"
    assert source_of("API-Gateway-Execution-Logs_a1b2c3/prod") == "apigateway"
    assert source_of("/aws/apigateway/orders/access") == "apigateway"
    assert source_of("/ecs/web") == "other"
    assert function_name_of("/aws/lambda/orders-api") == "orders-api"
    assert function_name_of("/aws/lambda/") is None
    assert function_name_of("/ecs/web") is None
    assert version_of("2026/11/27/[$LATEST]0a1b") == "$LATEST"
    assert version_of("2026/11/27/[12]0a1b") == "12"
    assert version_of("i-0123") is None


def test_a_parser_that_raises_costs_only_its_own_line() -> None:
    from functions.parser.formats import python_text

    original = python_text.parse

    def flaky(line: str) -> object:
        if "retrying" in line:
            raise RuntimeError("parser bug")
        return original(line)

    # Given a format whose parser raises on one line (the Format is frozen: patch it for this test only)
    fmt = python_text.PYTHON_TEXT
    object.__setattr__(fmt, "parse", flaky)
    try:
        result = normalize(batch("awslogs_python_text.json"), CTX)
    finally:
        object.__setattr__(fmt, "parse", original)
    rows = result.table.to_pylist()
    assert result.parser_failures == 1
    assert len(rows) == 13
    broken = [r for r in rows if r["raw"].startswith("[WARNING]")]
    assert broken[0]["record_type"] == "unknown"
    assert [r["record_type"] for r in rows if r["raw"].startswith("[INFO]")] == ["app"]


def _batch(group: str, stream: str, messages: list[str]) -> LogBatch:
    n = len(messages)
    return LogBatch(
        "123456789012",
        group,
        stream,
        [str(i) for i in range(n)],
        [1_795_737_600_000 + i for i in range(n)],
        messages,
    )


def test_custom_log_group_names_the_function_and_version_of_each_stream() -> None:
    # Given one custom log group written to by two functions (advanced logging controls)
    a = normalize(
        _batch("/org/team/app", "2024/03/01/native-api[$LATEST]0d9f3e6a7b8c4d2e9f1a2b3c4d5e6f70", ["hello"]), CTX
    )
    b = normalize(
        _batch("/org/team/app", "2024/03/02/receipt-worker[7]9f8e7d6c5b4a39281706f5e4d3c2b1a0", ["hello"]), CTX
    )
    # Then each row names its own function and version, and is Lambda's even though nothing in the line says so
    assert a.table.select(["function_name", "function_version", "source"]).to_pylist() == [
        {"function_name": "native-api", "function_version": "$LATEST", "source": "lambda"}
    ]
    assert b.table.select(["function_name", "function_version", "source"]).to_pylist() == [
        {"function_name": "receipt-worker", "function_version": "7", "source": "lambda"}
    ]
    assert (
        function_name_of("/aws/apc-crr/apcKekSetup", "2023/11/06/apcKekSetup[$LATEST]13e304cba4b9446eb7ef082a00038990")
        == "apcKekSetup"
    )
    assert function_name_of("/aws/rds/cluster", "2025/01/01/[$LATEST]3b1b2b3b4b5b6b7b8b9b0") is None


@pytest.mark.parametrize(
    ("stream", "version"), [("2026/11/27/[$LATEST]0a1b2c", "$LATEST"), ("2026/11/27/[7]0a1b2c", "7")]
)
def test_a_batch_without_start_takes_the_version_from_its_stream(stream: str, version: str) -> None:
    rid = "1fa87a52-03db-478f-9b7e-92ce62d445cd"
    lines = [
        f"END RequestId: {rid}",
        f"REPORT RequestId: {rid}\tDuration: 169.66 ms\tBilled Duration: 181 ms\tMemory Size: 131 MB\tMax Memory Used: 32 MB\t",
    ]
    table = normalize(_batch("/aws/lambda/native-api", stream, lines), CTX).table
    assert set(table["function_version"].to_pylist()) == {version}


def test_a_json_line_without_any_text_is_searchable_by_its_line() -> None:
    line = '{"e":1583425836.114,"m":"aws.lambda.enhanced.invocations","v":1}\n'
    table = normalize(_batch("/aws/lambda/x", "2020/03/05/[$LATEST]20bd", [line]), CTX).table
    assert table["message"].to_pylist() == [line.rstrip()]
