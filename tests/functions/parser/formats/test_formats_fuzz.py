"""Fuzzing every format parser through the real pipeline (route → parse, per line and column-at-a-time):
whatever the lines, each event becomes exactly one row, its `raw` is the line, no parser raises, and
every record_type and level is one the schema lists. The real corpus (tests/events/real/) seeds lines
too: as they are and bent the ways real lines get bent (tabs turned into spaces, cut short, CRLF)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.parser.decode import LogBatch
from functions.parser.normalize import BatchContext, normalize
from schemas.events import LEVELS, RECORD_TYPES
from tests.functions.parser.real_corpus import deliveries

FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow], database=None
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=16)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# Line starts that route to each text format (and near misses of them)
PREFIXES = [
    "START RequestId: ",
    "END RequestId: ",
    "REPORT RequestId: ",
    "REPORT RequestId: 8f5a\tDuration: ",
    "INIT_START Runtime Version: ",
    "INIT_REPORT Init Duration: ",
    "RESTORE_START Runtime Version: ",
    "RESTORE_REPORT Restore Duration: ",
    "EXTENSION\tName: ",
    "TELEMETRY\tName: ",
    "[ERROR]\t",
    "[INFO]\t2026-11-27T00:00:00.000Z\t",
    "[WARNING] KeyError: 'x'\nTraceback (most recent call last):\n",
    "2026-11-27T00:00:00.000Z\t",
    "2026-11-27T00:00:00.000Z\tc0ffee\tERROR\tInvoke Error \t",
    "2026-11-27 00:00:00.000 ",
    "2026-11-27T00:00:00.000Z c0ffee Task timed out after ",
    "RequestId: c0ffee Error: Task timed out after ",
    "(c0ffee-1234) ",
    "Runtime exited with error: signal: killed",
    "java.lang.OutOfMemoryError",
    '10.0.0.1 - - [27/Nov/2026:00:00:00 +0000] "GET ',
    "10.0.0.1,-,-,27/Nov/2026:00:00:00 +0000,",
    '<request id="',
    "RequestId: c0ffee00-0000-4000-8000-000000000000 Error: ",
    "LAMBDA_WARNING: ",
    "LOGS\tName: ",
    "SEVERE: ",
    "09:24:37.351 [main] INFO  ",
    "c0ffee00-0000-4000-8000-000000000000 DEBUG ",
    "[Information] - ",
    "{",
    "",
]
FORMAT_KEYS = {
    "platform": ["time", "type", "record"],
    "powertools": [
        "level",
        "location",
        "message",
        "timestamp",
        "service",
        "cold_start",
        "function_request_id",
        "xray_trace_id",
        "exception",
        "exception_name",
        "stack_trace",
        "function_name",
    ],
    "app": ["timestamp", "level", "log_level", "message", "requestId", "errorType", "errorMessage", "stackTrace"],
    "access": [
        "requestId",
        "ip",
        "caller",
        "user",
        "requestTime",
        "httpMethod",
        "resourcePath",
        "status",
        "protocol",
        "responseLength",
        "integrationLatency",
        "responseLatency",
        "routeKey",
        "apiId",
    ],
}
PLATFORM_TYPES = [
    "platform.initStart",
    "platform.initRuntimeDone",
    "platform.initReport",
    "platform.start",
    "platform.runtimeDone",
    "platform.report",
    "platform.end",
    "platform.restoreStart",
    "platform.restoreRuntimeDone",
    "platform.restoreReport",
    "platform.extension",
    "platform.telemetrySubscription",
    "platform.logsSubscription",
    "platform.logsDropped",
    "platform.fault",
    "platform.x",
]


def _json_line(keys: list[str]) -> st.SearchStrategy[str]:
    fields = st.dictionaries(st.sampled_from(keys), JSON_VALUES, min_size=1, max_size=len(keys))
    return fields.map(json.dumps)


PLATFORM = st.fixed_dictionaries(
    {"time": JSON_VALUES, "type": st.sampled_from(PLATFORM_TYPES)},
    optional={
        "record": st.dictionaries(
            st.sampled_from(["requestId", "status", "metrics", "version", "tracing", "runtimeVersion", "spans"]),
            JSON_VALUES,
        )
        | st.text(max_size=80)
    },
).map(json.dumps)
REAL_LINES = sorted({line for d in deliveries() for line in d.batch.messages})


def _bent(line: str, how: int, cut: int) -> str:
    """A real line as tools bend it: as is, tabs as spaces, cut short, CRLF line ends."""
    if how == 1:
        return line.replace("\t", " ")
    if how == 2:
        return line[: cut % (len(line) + 1)]
    if how == 3:
        return line.replace("\n", "\r\n")
    return line


REAL = st.builds(_bent, st.sampled_from(REAL_LINES), st.integers(0, 3), st.integers(0, 400))
LINES = st.one_of(
    st.text(max_size=120),
    st.tuples(st.sampled_from(PREFIXES), st.text(max_size=80)).map("".join),
    PLATFORM,
    *(_json_line(keys) for keys in FORMAT_KEYS.values()),
    JSON_VALUES.map(json.dumps),
)


def batch_of(messages: list[str], group: str = "/aws/lambda/fuzz") -> LogBatch:
    n = len(messages)
    return LogBatch(
        owner="123456789012",
        log_group=group,
        log_stream="2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
        event_ids=[str(i) for i in range(n)],
        timestamps=[1795737600000 + i for i in range(n)],
        messages=messages,
    )


def assert_one_row_each(messages: list[str], group: str = "/aws/lambda/fuzz") -> Any:
    result = normalize(batch_of(messages, group), BatchContext("r", 0))
    table = result.table
    assert table.num_rows == len(messages)
    assert table["raw"].to_pylist() == messages
    assert table["event_id"].to_pylist() == [str(i) for i in range(len(messages))]
    assert table["record_type"].null_count == 0
    assert sum(result.format_counts.values()) == len(messages)
    assert result.parser_failures == 0, "a parser raised (the line was kept as unknown, but it is a bug)"
    assert set(table["record_type"].to_pylist()) <= set(RECORD_TYPES), "a record_type the schema does not list"
    assert set(table["level"].to_pylist()) <= {*LEVELS, None}, "a level the schema does not list"
    return result


@FUZZ
@given(st.lists(LINES, min_size=1, max_size=40), st.sampled_from(["/aws/lambda/fuzz", "custom"]))
def test_every_line_is_one_row(messages: list[str], group: str) -> None:
    assert_one_row_each(messages, group)


@FUZZ
@given(
    st.lists(REAL, min_size=1, max_size=32),
    st.sampled_from(["/aws/lambda/fuzz", "/org/team/app", "API-Gateway-Execution-Logs_a1b2c3/prod", "custom"]),
)
def test_real_lines_and_their_bent_forms_give_only_listed_record_types_and_levels(
    messages: list[str], group: str
) -> None:
    assert_one_row_each(messages, group)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PREFIXES[:14]), st.text(max_size=40)).map("".join), min_size=16, max_size=32))
def test_near_misses_of_the_platform_and_runtime_prefixes(messages: list[str]) -> None:
    assert_one_row_each(messages)


def test_a_256_kb_line_of_each_kind_is_kept_whole() -> None:
    big = "x" * (256 * 1024 - 200)
    messages = [
        big,
        "[ERROR]\t2026-11-27T00:00:00.000Z\tc0ffee\t" + big,
        json.dumps({"level": "INFO", "message": big, "timestamp": "2026-11-27T00:00:00Z"}),
        "REPORT RequestId: c0ffee\tDuration: 1.0 ms\t" + big,
        json.dumps({"a": [big[:1000]] * 200}),
    ]
    result = assert_one_row_each(messages * 4)  # 20 lines: the column parsers run as well
    assert max(len(m) for m in result.table["raw"].to_pylist()) >= 256 * 1024 - 200


def test_deeply_nested_json_lines_are_kept_as_text() -> None:
    deep = ["{" + '"a":' * 1 + "[" * depth + "]" * depth + "}" for depth in (10, 1_000, 200_000)]
    result = assert_one_row_each(deep)
    assert result.table["raw"].to_pylist() == deep
