"""The column-at-a-time twins must give exactly the rows of their per-line reference parsers."""

from __future__ import annotations

import pyarrow as pa
import pytest

from functions.parser import pipeline
from functions.parser.decode import decode_awslogs
from functions.parser.formats import plain, vectorized
from loglake.synth import generate
from tests.functions.parser.real_corpus import deliveries
from tests.support import ALL_LAMBDA_PAYLOADS, load_payload

RID = "d1527f2e-75d1-404c-856f-b42bbda5d90b"
TRICKY = [
    f"REPORT RequestId: {RID}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\n",
    f"REPORT RequestId: {RID}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB",
    f"REPORT RequestId: {RID}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t"
    "Restore Duration: 10.5 ms\tBilled Restore Duration: 11 ms\tStatus: error\tError Type: Runtime.ExitError\t\n"
    "XRAY TraceId: 1-5d707991-3ca4492eb1c2caf48d140ef0\tSegmentId: 594344027702a828\tSampled: true\t\n",
    f"REPORT RequestId: {RID}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\n"
    "XRAY TraceId: 1-5d707991-3ca4492eb1c2caf48d140ef0\tSegmentId: 594344027702a828\tSampled: false\n",
    f"REPORT RequestId: {RID}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t"
    "Billed Restore Duration: 11 ms\t",
    f"REPORT RequestId: {RID} Duration: 6.17 ms Billed Duration: 100 ms Memory Size: 128 MB Max Memory Used: 56 MB",
    "REPORT invalid report log line",
    f"START RequestId: {RID} Version: $LATEST\n",
    f"START RequestId: {RID}\n",
    f"END RequestId: {RID}\n",
    f"[INFO]\t2026-11-27T05:09:26.463Z\t{RID}\thello\tworld with a tab\n",
    "[WARNING]\t2026-11-27T05:09:26.463Z\t\tno request id\n",
    '[ERROR]\t2026-11-27T05:09:26.463Z\tNone\tfailed\nTraceback (most recent call last):\n  File "x"\nValueError: v\n',
    "[NOPE]\tx\ty\tz",
    f"2026-11-27T05:09:25.900Z\t{RID}\tWARN\tslow\n",
    '2026-11-27T05:09:25.900Z\tundefined\tERROR\tInvoke Error \t{"errorType":"E","errorMessage":"m"}',
    f"2026-11-27T05:09:25.900Z\t{RID}\tWARNING\tnot a node level\n",
    f"2026-11-27 05:09:26.320 {RID} INFO  ThumbnailHandler - resized\n",
    "2026-11-27 05:09:26 WARN Config - using defaults  \n",
    f"2026-11-27 05:09:26.330 {RID} ERROR H - failed\njava.lang.IllegalStateException: x\n\tat a.b(C.java:1)\n",
    "2026-11-27T05:09:26Z INFO X -\tlooks like node to the router",
    '2026-11-27 05:09:26 INFO weird"logger - quote in the logger name',
]


def both_ways(messages: list[str]) -> tuple[pa.Table, pa.Table]:
    lines = pa.array(messages, pa.string())
    fast = pipeline.parse_lines(messages, plain.PRINT, lines).columns
    original = pipeline.VECTOR_MIN_LINES
    pipeline.VECTOR_MIN_LINES = 10**9
    try:
        slow = pipeline.parse_lines(messages, plain.PRINT, lines).columns
    finally:
        pipeline.VECTOR_MIN_LINES = original
    return fast, slow


def column(table: pa.Table, name: str) -> list[object]:
    """A column's values; a column a table lacks is all nulls (no line set it)."""
    return table[name].to_pylist() if name in table.column_names else [None] * table.num_rows


def assert_same(fast: pa.Table, slow: pa.Table, messages: list[str]) -> None:
    assert fast.num_rows == slow.num_rows == len(messages)
    for name in sorted(set(fast.column_names) | set(slow.column_names)):
        for i, (a, b) in enumerate(zip(column(fast, name), column(slow, name), strict=True)):
            assert a == b, f"{name} differs on {messages[i]!r}: vectorized {a!r}, per-line {b!r}"


def test_tricky_lines_parse_identically() -> None:
    messages = TRICKY * 2  # above the vectorization threshold
    fast, slow = both_ways(messages)
    assert_same(fast, slow, messages)


@pytest.mark.parametrize("name", ALL_LAMBDA_PAYLOADS)
def test_fixture_payloads_parse_identically(name: str) -> None:
    messages = [e["message"] for e in load_payload(name)["logEvents"]] * 3
    fast, slow = both_ways(messages)
    assert_same(fast, slow, messages)


def test_a_synthetic_hour_parses_identically() -> None:
    dataset = generate(seed=5, start_ms=1_795_737_600_000, hours=1, invocations_per_hour=600)
    messages = [m for d in dataset.deliveries if (b := decode_awslogs(d)) for m in b.messages]
    fast, slow = both_ways(messages)
    assert_same(fast, slow, messages)


def test_every_vector_format_claims_something_in_the_synthetic_hour() -> None:
    dataset = generate(seed=5, start_ms=1_795_737_600_000, hours=1, invocations_per_hour=600)
    lines = pa.array([m for d in dataset.deliveries if (b := decode_awslogs(d)) for m in b.messages])
    claimed = {fmt.name: fmt.claim(lines).true_count for fmt in vectorized.ALL}
    assert all(count > 0 for count in claimed.values()), claimed


def test_real_corpus_lines_parse_identically() -> None:
    # Given every line of the real corpus (tests/events/real/), tabs kept and tabs turned into spaces
    lines = [line for d in deliveries() for line in d.batch.messages]
    messages = lines + [line.replace("\t", " ") for line in lines]
    # When parsed column-at-a-time and line by line, Then the rows are the same
    fast, slow = both_ways(messages)
    assert_same(fast, slow, messages)
