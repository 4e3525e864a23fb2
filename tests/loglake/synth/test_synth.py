"""The synthetic deliveries are shaped like CloudWatch Logs' and agree with their ground truth.

Every check decodes the payloads itself (base64, gzip, JSON) and reads lines with its own regexes.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import statistics
from collections import Counter, defaultdict
from typing import Any

import pytest

from loglake.synth import ACCESS_FORMATS, Dataset, Invocation, generate, kinesis_event

Streams = dict[tuple[str, str], list[dict[str, Any]]]  # (log group, log stream) -> events
START_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z
MAX_EVENTS = 200
REPORT = re.compile(
    r"REPORT RequestId: (?P<rid>[0-9a-f-]{36})\tDuration: (?P<duration>\d+\.\d\d) ms"
    r"\tBilled Duration: (?P<billed>\d+) ms\tMemory Size: (?P<memory>\d+) MB"
    r"\tMax Memory Used: (?P<used>\d+) MB\t"
    r"(?:Init Duration: (?P<init>\d+\.\d\d) ms\t)?"
    r"(?:Restore Duration: (?P<restore>\d+\.\d\d) ms\tBilled Restore Duration: \d+ ms\t)?"
    r"(?:Status: (?P<status>timeout|error)(?:\tError Type: (?P<error>[\w.]+))?)?"
    r"(?:\nXRAY TraceId: (?P<trace>1-[0-9a-f]{8}-[0-9a-f]{24})\tSegmentId: [0-9a-f]{16}\tSampled: true)?"
)
STREAM = re.compile(r"\d{4}/\d{2}/\d{2}/\[(?P<version>\$LATEST|\d+)\][0-9a-f]{32}")
ACCESS_SHAPES = {
    "clf": re.compile(r'\S+ - - \[\d\d/\w{3}/\d{4}:[\d:]{8} \+0000\] "\w+ \S+ HTTP/1\.1" (\d{3}) \d+ (\S+)'),
    "csv": re.compile(r"[^,]+,-,-,[^,]+,\w+,[^,]+,HTTP/1\.1,(\d{3}),\d+,([0-9a-f-]{36})"),
    "xml": re.compile(r'<request id="([0-9a-f-]{36})"> <ip>.*<status>(\d{3})</status>.*</request>'),
}


def payload_of(delivery: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(delivery["awslogs"]["data"])))
    return decoded


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate(seed=7, start_ms=START_MS, hours=24, invocations_per_hour=400, max_events_per_delivery=MAX_EVENTS)


@pytest.fixture(scope="module")
def payloads(dataset: Dataset) -> list[dict[str, Any]]:
    return [payload_of(delivery) for delivery in dataset.deliveries]


@pytest.fixture(scope="module")
def streams(payloads: list[dict[str, Any]]) -> Streams:
    """(log group, log stream) -> its events in delivery order."""
    out: Streams = defaultdict(list)
    for payload in payloads:
        if payload["messageType"] == "DATA_MESSAGE":
            out[(payload["logGroup"], payload["logStream"])].extend(payload["logEvents"])
    return out


def events_of(streams: Streams, inv: Invocation) -> list[dict[str, Any]]:
    return streams[(f"/aws/lambda/{inv.function_name}", inv.log_stream)]


def messages_in(streams: Streams, group_prefix: str) -> list[str]:
    return [e["message"] for (group, _), events in streams.items() if group.startswith(group_prefix) for e in events]


def test_same_seed_gives_identical_deliveries() -> None:
    # Given two generations with the same arguments, and one with another seed
    first = generate(seed=11, start_ms=START_MS, hours=2, invocations_per_hour=300)
    second = generate(seed=11, start_ms=START_MS, hours=2, invocations_per_hour=300)
    other = generate(seed=12, start_ms=START_MS, hours=2, invocations_per_hour=300)

    # Then the same seed gives byte-identical deliveries and truth, another seed does not
    assert first.deliveries == second.deliveries
    assert first.invocations == second.invocations
    assert first.requests == second.requests
    assert first.deliveries != other.deliveries


def test_event_ids_are_unique_56_digit_strings(payloads: list[dict[str, Any]]) -> None:
    # Given every event of every data delivery
    ids = [e["id"] for p in payloads if p["messageType"] == "DATA_MESSAGE" for e in p["logEvents"]]

    # Then ids are 56-digit numeric strings, unique across the dataset
    assert all(len(i) == 56 and i.isdigit() for i in ids)
    assert len(set(ids)) == len(ids)


def test_event_count_counts_data_messages_only(dataset: Dataset, payloads: list[dict[str, Any]]) -> None:
    # Given the decoded payloads
    kinds = Counter(p["messageType"] for p in payloads)
    control = next(p for p in payloads if p["messageType"] == "CONTROL_MESSAGE")

    # Then exactly one health check exists, and event_count counts the events of data messages only
    assert kinds["CONTROL_MESSAGE"] == 1
    assert control["logEvents"][0]["message"].startswith("CWL CONTROL MESSAGE")
    data = [p for p in payloads if p["messageType"] == "DATA_MESSAGE"]
    assert dataset.event_count == sum(len(p["logEvents"]) for p in data)
    assert dataset.event_count > 50_000


def test_data_messages_are_real_shaped_and_ordered(dataset: Dataset, payloads: list[dict[str, Any]]) -> None:
    # Given the data messages
    data = [p for p in payloads if p["messageType"] == "DATA_MESSAGE"]

    # Then each has the subscription keys, at most MAX_EVENTS events, in timestamp order
    for payload in data:
        assert set(payload) == {"messageType", "owner", "logGroup", "logStream", "subscriptionFilters"} | {"logEvents"}
        assert payload["owner"] == dataset.owner and payload["subscriptionFilters"] == ["loglake"]
        assert 1 <= len(payload["logEvents"]) <= MAX_EVENTS
        stamps = [e["timestamp"] for e in payload["logEvents"]]
        assert stamps == sorted(stamps)
        assert all(set(e) == {"id", "timestamp", "message"} for e in payload["logEvents"])


def test_report_lines_match_the_truth(dataset: Dataset, streams: Streams) -> None:
    # Given every text-format invocation and the events of its log stream
    text = [inv for inv in dataset.invocations if inv.log_format == "text"]
    reports: dict[str, dict[str, Any]] = {}
    for (group, _), events in streams.items():
        for event in events:
            if group.startswith("/aws/lambda/") and event["message"].startswith("REPORT "):
                reports[event["message"].split("\t", 1)[0].removeprefix("REPORT RequestId: ")] = event

    # Then its REPORT event, at the end of the invocation, carries exactly the true values
    assert len(text) > 5_000
    for inv in text:
        event = reports[inv.request_id]
        match = REPORT.fullmatch(event["message"])
        assert match is not None, event["message"]
        assert event["timestamp"] == inv.start_ms + round(inv.duration_ms)
        assert float(match["duration"]) == inv.duration_ms
        assert int(match["billed"]) == inv.billed_duration_ms
        assert (int(match["memory"]), int(match["used"])) == (inv.memory_size_mb, inv.max_memory_used_mb)
        assert (float(match["init"]) if match["init"] else None) == inv.init_duration_ms
        assert (float(match["restore"]) if match["restore"] else None) == inv.restore_duration_ms
        assert match["trace"] == inv.trace_id
        if inv.status == "timeout" or inv.error_type == "Runtime.OutOfMemory":
            assert (match["status"], match["error"]) == (inv.status, inv.error_type)


def test_start_line_opens_each_text_invocation(dataset: Dataset, streams: Streams) -> None:
    # Given a sample of text-format invocations
    sample = [inv for inv in dataset.invocations if inv.log_format == "text"][::50]

    # Then START carries the version at start_ms, END closes it at the end, in the same stream
    for inv in sample:
        by_message = {e["message"]: e["timestamp"] for e in events_of(streams, inv)}
        start = f"START RequestId: {inv.request_id} Version: {inv.function_version}"
        assert by_message[start] == inv.start_ms
        assert by_message[f"END RequestId: {inv.request_id}"] == inv.start_ms + round(inv.duration_ms)


def test_platform_reports_match_the_truth(dataset: Dataset, streams: Streams) -> None:
    # Given the JSON-format invocations and the platform.report records
    json_invocations = [inv for inv in dataset.invocations if inv.log_format == "json"]
    records = {}
    for events in streams.values():
        for event in events:
            if '"type": "platform.report"' in event["message"]:
                record = json.loads(event["message"])["record"]
                records[record["requestId"]] = record

    # Then each report holds the true status and metrics
    assert len(json_invocations) > 500
    for inv in json_invocations:
        record = records[inv.request_id]
        metrics = record["metrics"]
        assert record["status"] == inv.status
        assert (metrics["durationMs"], metrics["billedDurationMs"]) == (
            inv.duration_ms,
            inv.billed_duration_ms,
        )
        assert metrics["memorySizeMB"] == inv.memory_size_mb
        assert metrics["maxMemoryUsedMB"] == inv.max_memory_used_mb
        assert metrics.get("initDurationMs") == inv.init_duration_ms


def test_two_functions_are_deployed_mid_day_and_one_gets_slower(dataset: Dataset) -> None:
    # Given the versions seen per function
    versions: dict[str, dict[str, list[Invocation]]] = defaultdict(lambda: defaultdict(list))
    for inv in dataset.invocations:
        versions[inv.function_name][inv.function_version].append(inv)

    # Then orders-api (7 -> 8) and payments (41 -> 42) have two versions, the new one strictly after the old
    assert set(versions["orders-api"]) == {"7", "8"} and set(versions["payments"]) == {"41", "42"}
    for name, (old, new) in (("orders-api", ("7", "8")), ("payments", ("41", "42"))):
        assert max(i.start_ms for i in versions[name][old]) < min(i.start_ms for i in versions[name][new])

    # And orders-api version 8 is about 30 % slower than version 7
    def mean(version: str) -> float:
        invocations = versions["orders-api"][version]
        return statistics.fmean(i.duration_ms for i in invocations if i.status == "success")

    assert 1.2 < mean("8") / mean("7") < 1.4


def test_cold_starts_open_execution_environments(dataset: Dataset, streams: Streams) -> None:
    # Given the invocations grouped by log stream (one stream per execution environment)
    by_stream: dict[str, list[Invocation]] = defaultdict(list)
    for inv in dataset.invocations:
        by_stream[inv.log_stream].append(inv)

    # Then each environment starts with exactly one cold start, its stream names the version
    assert sum(inv.cold_start for inv in dataset.invocations) == len(by_stream) > 20
    for stream, invocations in by_stream.items():
        match = STREAM.fullmatch(stream)
        assert match is not None and {i.function_version for i in invocations} == {match["version"]}
        assert invocations[0].cold_start and not any(i.cold_start for i in invocations[1:])
        first = events_of(streams, invocations[0])[0]["message"]
        assert first.startswith(("INIT_START Runtime Version: ", "RESTORE_START", '{"time"'))


def test_statuses_errors_and_memory(dataset: Dataset) -> None:
    # Given the invocation outcomes
    statuses = Counter(inv.status for inv in dataset.invocations)
    oom = [inv for inv in dataset.invocations if inv.error_type == "Runtime.OutOfMemory"]
    full = [inv for inv in dataset.invocations if inv.max_memory_used_mb == inv.memory_size_mb]

    # Then success, error and timeout all occur, errors at 1-3 %, and memory hits 100 % sometimes
    assert set(statuses) == {"success", "error", "timeout"}
    assert 0.01 <= statuses["error"] / len(dataset.invocations) <= 0.03
    assert oom and all(inv.status == "error" for inv in oom)
    assert any(inv.status == "success" for inv in full)


def test_runtime_line_shapes_appear(streams: Streams) -> None:
    # Given every Lambda message
    messages = messages_in(streams, "/aws/lambda/")

    def count(pattern: str) -> int:
        regex = re.compile(pattern)
        return sum(1 for m in messages if regex.match(m))

    # Then each runtime's shapes are there
    assert count(r"\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\t") > 100
    assert count(r"\[ERROR\] \w+: .*\nTraceback \(most recent call last\):\n  File ") > 0
    assert count(r"items=\d total=") > 0  # bare print
    assert count(r"\S+Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{\"errorType\"") > 0
    assert count(r"\S+Z [0-9a-f-]{36} INFO  ThumbnailHandler - ") > 100
    assert count(r"\S+Z [0-9a-f-]{36} Task timed out after \d+\.\d\d seconds$") > 0
    assert count(r"RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: killed") > 0
    assert count(r'\{"level": "INFO", "location": ') > 100  # Powertools
    assert count(r'\{"timestamp": "[^"]+", "log_level": "ERROR", "errorMessage"') > 0


def test_every_access_preset_appears_with_the_true_status(dataset: Dataset, streams: Streams) -> None:
    # Given the access log events and the true requests
    access = messages_in(streams, "/aws/apigateway/")
    truth = {req.request_id: req for req in dataset.requests}

    # Then every preset is used, every request is logged once, with its true status
    assert {req.access_format for req in dataset.requests} == set(ACCESS_FORMATS)
    assert len(access) == len(truth)
    seen: Counter[str] = Counter()
    for line in access:
        if line.startswith("{"):
            record = json.loads(line)
            rid, status = record["requestId"], record["status"]
            kind = "custom_json" if "integrationLatency" in record else "json"
        else:
            kind = next(k for k, shape in ACCESS_SHAPES.items() if shape.fullmatch(line))
            match = ACCESS_SHAPES[kind].fullmatch(line)
            assert match is not None
            status, rid = match.groups() if kind != "xml" else reversed(match.groups())
        assert truth[rid].access_format == kind and int(status) == truth[rid].status_code
        seen[kind] += 1
    assert set(seen) == set(ACCESS_FORMATS)

    # And the status mix has 2xx, 4xx, 429 throttles and 5xx
    codes = {req.status_code for req in dataset.requests}
    assert {200, 429} <= codes and any(400 <= c < 429 for c in codes) and any(c >= 500 for c in codes)


def test_execution_logs_end_with_the_true_status(dataset: Dataset, streams: Streams) -> None:
    # Given the execution log events
    api_id = dataset.requests[0].api_id
    completed = re.compile(r"\(([0-9a-f-]{36})\) Method completed with status: (\d{3})")
    truth = {req.request_id: req.status_code for req in dataset.requests}
    lines = messages_in(streams, "API-Gateway-Execution-Logs_")

    # Then they live in API-Gateway-Execution-Logs_<apiId>/prod and agree with the truth
    assert {group for group, _ in streams if group.startswith("API-Gateway-")} == {
        f"API-Gateway-Execution-Logs_{api_id}/prod"
    }
    matches = [m for m in map(completed.fullmatch, lines) if m is not None]
    assert len(matches) > 100
    assert all(truth[m[1]] == int(m[2]) for m in matches)


def test_kinesis_event_wraps_the_same_payloads(dataset: Dataset) -> None:
    # Given a few deliveries
    deliveries = dataset.deliveries[:5]

    # When they are wrapped as a Kinesis Data Streams event
    event = kinesis_event(deliveries)

    # Then each record carries the same base64 gzip data, with the Kinesis envelope
    records = event["Records"]
    assert [r["kinesis"]["data"] for r in records] == [d["awslogs"]["data"] for d in deliveries]
    assert [payload_of({"awslogs": {"data": r["kinesis"]["data"]}}) for r in records] == [
        payload_of(d) for d in deliveries
    ]
    assert all(r["eventSource"] == "aws:kinesis" and r["kinesis"]["partitionKey"] for r in records)
    assert len({r["kinesis"]["sequenceNumber"] for r in records}) == len(records)
