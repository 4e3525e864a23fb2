"""Lambda JSON log format: platform records and application records."""

from __future__ import annotations

import json

import pytest

from functions.parser.formats import lambda_json
from functions.parser.route import route
from schemas.events import RECORD_TYPES
from tests.support import load_payload

RID = "5b7e1c2d-3e4f-4a5b-8c9d-0e1f2a3b4c5d"


def as_row(fmt: lambda_json.Format, obj: dict[str, object]) -> dict[str, object]:
    parsed = fmt.parse(obj)
    assert parsed is not None
    return dict(zip(fmt.fields, parsed, strict=True))


def messages() -> list[dict[str, object]]:
    return [json.loads(e["message"]) for e in load_payload("awslogs_json_format.json")["logEvents"]]


def test_platform_report_metrics_status_and_trace() -> None:
    report = messages()[6]
    r = as_row(lambda_json.PLATFORM, report)
    assert (r["record_type"], r["request_id"], r["status"], r["level"]) == ("report", RID, "failure", "ERROR")
    assert (r["duration_ms"], r["billed_duration_ms"], r["memory_size_mb"], r["max_memory_used_mb"]) == (
        31.5,
        32,
        512,
        95,
    )
    assert r["init_duration_ms"] == 198.3
    assert r["trace_id"] == "1-6745a1b2-0123456789abcdef01234567"
    assert r["error_type"] == "FileNotFoundError"


def test_platform_init_start_names_function_version_and_runtime() -> None:
    r = as_row(lambda_json.PLATFORM, messages()[0])
    assert (r["record_type"], r["function_name"], r["function_version"], r["runtime_version"]) == (
        "init_start",
        "report-builder",
        "3",
        "python:3.12.v38",
    )
    assert json.loads(str(r["attributes"]))["phase"] == "init"


def test_platform_start_and_runtime_done() -> None:
    start = as_row(lambda_json.PLATFORM, messages()[1])
    assert (start["record_type"], start["function_version"]) == ("start", "3")
    done = as_row(lambda_json.PLATFORM, messages()[5])
    assert (done["record_type"], done["status"]) == ("runtime_done", "failure")


def test_record_types_are_snake_case_names_of_the_platform_events() -> None:
    assert lambda_json.record_type_of("platform.restoreReport") == "restore_report"
    assert lambda_json.record_type_of("platform.logsDropped") == "logs_dropped"
    assert lambda_json.record_type_of("platform.telemetrySubscription") == "telemetry"


def test_application_record_keeps_extra_keys_as_attributes() -> None:
    r = as_row(lambda_json.APP, messages()[2])
    assert (r["record_type"], r["level"], r["request_id"], r["message"]) == (
        "app",
        "INFO",
        RID,
        "building report",
    )
    assert json.loads(str(r["attributes"])) == {"logger": "root", "report_id": "r-981"}


def test_unhandled_error_record_uses_log_level_and_stack_list() -> None:
    r = as_row(lambda_json.APP, messages()[4])
    assert (r["record_type"], r["level"], r["error_type"]) == ("app", "ERROR", "FileNotFoundError")
    bare = as_row(lambda_json.APP, {"errorType": "KeyError", "errorMessage": "'x'", "stackTrace": ["a", "b"]})
    assert (bare["record_type"], bare["stack_trace"], bare["message"]) == (
        "runtime_error",
        "a\nb",
        "KeyError: 'x'",
    )


def test_wrong_shapes_never_raise() -> None:
    assert lambda_json.PLATFORM.parse({"type": "platform.report", "record": "nope"}) is None
    r = as_row(
        lambda_json.PLATFORM,
        {"type": "platform.report", "record": {"metrics": "x", "tracing": 5, "requestId": 7}},
    )
    assert (r["duration_ms"], r["request_id"], r["trace_id"]) == (None, None, None)
    odd = as_row(lambda_json.APP, {"level": 3, "message": {"nested": [1, 2]}})
    assert (odd["level"], odd["message"]) == (None, '{"nested":[1,2]}')


TELEMETRY_TYPES = [  # every platform event of the Telemetry API, the Logs API and the JSON log format
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
    "platform.someTypeAwsAddsLater",
]


@pytest.mark.parametrize("event_type", TELEMETRY_TYPES)
def test_every_platform_event_type_is_a_record_type_the_schema_lists(event_type: str) -> None:
    r = as_row(lambda_json.PLATFORM, {"time": "2026-11-27T05:09:26.000Z", "type": event_type, "record": {}})
    assert r["record_type"] in RECORD_TYPES


def test_runtime_done_of_init_and_restore_and_subscriptions_have_their_names() -> None:
    names = {t: lambda_json.record_type_of(t) for t in TELEMETRY_TYPES}
    assert names["platform.initRuntimeDone"] == "init_runtime_done"
    assert names["platform.restoreRuntimeDone"] == "restore_runtime_done"
    assert names["platform.logsSubscription"] == names["platform.telemetrySubscription"] == "telemetry"
    assert names["platform.someTypeAwsAddsLater"] == "platform"


def test_platform_fault_is_a_platform_row_with_the_request_id_of_its_text() -> None:
    # Given a platform.fault, whose record is text (Logs API)
    rid = "d783b35e-a91d-4251-af17-035953428a2c"
    fault = {
        "time": "2026-11-27T05:09:26.000Z",
        "type": "platform.fault",
        "record": f"RequestId: {rid} Process exited before completing request\nRuntime.ExitError",
    }
    # When it is routed and parsed
    fmt, value = route(json.dumps(fault), lambda_json.APP)
    r = as_row(fmt, value)
    # Then it is a platform row of that request, an error, with its type
    assert (r["record_type"], r["request_id"], r["level"], r["error_type"]) == (
        "platform",
        rid,
        "ERROR",
        "Runtime.ExitError",
    )


def test_records_without_a_message_take_it_from_the_key_that_carries_text() -> None:
    # Given the Python runtime's JSON record of an unhandled error (no `message` key)
    record = {
        "timestamp": "2026-02-27T17:34:11Z",
        "log_level": "ERROR",
        "errorMessage": "'n'",
        "errorType": "KeyError",
        "requestId": "b06f09e6-828a-4a43-8903-14bd221dc62b",
        "stackTrace": ['  File "/var/task/lambda_function.py", line 17, in lambda_handler\n'],
    }
    r = as_row(lambda_json.APP, record)
    # Then its message is the error it states, and its level is read from log_level
    assert (r["message"], r["level"], r["error_type"]) == ("KeyError: 'n'", "ERROR", "KeyError")
    assert as_row(lambda_json.APP, {"msg": "hello", "level": "info"})["message"] == "hello"


@pytest.mark.parametrize(
    ("printed", "level"),
    [
        ("Information", "INFO"),
        ("Warning", "WARN"),
        ("Error", "ERROR"),
        ("Critical", "FATAL"),
        ("Trace", "TRACE"),
        ("Debug", "DEBUG"),
    ],
)
def test_dotnet_level_names(printed: str, level: str) -> None:
    r = as_row(lambda_json.APP, {"timestamp": "2026-11-27T05:09:26.000Z", "level": printed, "message": "m"})
    assert r["level"] == level


def test_restore_report_duration_is_the_restore_duration_like_the_text_line() -> None:
    record = {
        "time": "2026-11-27T05:09:26.000Z",
        "type": "platform.restoreReport",
        "record": {"metrics": {"durationMs": 571.67}, "status": "error", "errorType": "Runtime.ExitError"},
    }
    r = as_row(lambda_json.PLATFORM, record)
    assert (r["record_type"], r["restore_duration_ms"], r["duration_ms"], r["level"], r["error_type"]) == (
        "restore_report",
        571.67,
        None,
        "ERROR",
        "Runtime.ExitError",
    )
