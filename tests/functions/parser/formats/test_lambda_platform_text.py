"""Lambda platform lines in the text format."""

from __future__ import annotations

import json

import pytest

from functions.parser.formats import lambda_platform_text as p

RID = "a0c9ec80-9b8b-409e-8b92-4a4c006c15c1"


def row(fmt: p.Format, line: str) -> dict[str, object]:
    parsed = fmt.parse(line)
    assert parsed is not None, line
    assert len(parsed) == len(fmt.fields)
    return dict(zip(fmt.fields, parsed, strict=True))


def test_start_carries_request_id_and_version() -> None:
    r = row(p.START, f"START RequestId: {RID} Version: $LATEST\n")
    assert (r["record_type"], r["request_id"], r["function_version"]) == ("start", RID, "$LATEST")
    assert r["message"] == f"START RequestId: {RID} Version: $LATEST"


def test_end_carries_request_id() -> None:
    assert row(p.END, f"END RequestId: {RID}\n")["request_id"] == RID


def test_report_with_tabs_init_duration_and_xray_trailer() -> None:
    line = (
        f"REPORT RequestId: {RID}\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 56 MB\tInit Duration: 114.87 ms\t\nXRAY TraceId: 1-5d707991-3ca4492eb1c2caf48d140ef0\t"
        "SegmentId: 594344027702a828\tSampled: true\t\n"
    )
    r = row(p.REPORT, line)
    assert r["duration_ms"] == 102.25
    assert r["billed_duration_ms"] == 103
    assert r["memory_size_mb"] == 128
    assert r["max_memory_used_mb"] == 56
    assert r["init_duration_ms"] == 114.87
    assert r["trace_id"] == "1-5d707991-3ca4492eb1c2caf48d140ef0"
    assert r["status"] is None and r["level"] is None


def test_report_with_spaces_as_older_runtimes_print_it() -> None:
    line = (
        f"REPORT RequestId: {RID} Duration: 6.17 ms Billed Duration: 100 ms Memory Size: 128 MB "
        "Max Memory Used: 56 MB Init Duration: 114.87 ms"
    )
    r = row(p.REPORT, line)
    assert (r["duration_ms"], r["billed_duration_ms"], r["init_duration_ms"]) == (6.17, 100, 114.87)


def test_report_with_snapstart_restore_status_and_error_type() -> None:
    line = (
        f"REPORT RequestId: {RID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 512 MB\t"
        "Max Memory Used: 512 MB\tRestore Duration: 571.67 ms\tBilled Restore Duration: 572 ms\t"
        "Status: error\tError Type: Runtime.OutOfMemory\n"
    )
    r = row(p.REPORT, line)
    assert r["restore_duration_ms"] == 571.67
    assert r["billed_restore_duration_ms"] == 572
    assert (r["status"], r["error_type"], r["level"]) == ("error", "Runtime.OutOfMemory", "ERROR")
    assert r["init_duration_ms"] is None


def test_report_with_timeout_status() -> None:
    line = f"REPORT RequestId: {RID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout"
    assert row(p.REPORT, line)["status"] == "timeout"


@pytest.mark.parametrize(
    "line",
    [
        "REPORT invalid report log line",
        f"REPORT RequestId: {RID}\tDuration: fast\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB",
        f"REPORT RequestId: {RID}\tDuration: 1.0 ms",
        "START of something",
        "END",
    ],
)
def test_malformed_platform_lines_are_rejected_so_they_yield_no_metrics(line: str) -> None:
    fmt = p.BY_PREFIX[line.split(" ", maxsplit=1)[0]]
    assert fmt.parse(line) is None


def test_init_start_runtime_version() -> None:
    r = row(
        p.RUNTIME_START,
        "INIT_START Runtime Version: python:3.12.v38\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:abc\n",
    )
    assert (r["record_type"], r["runtime_version"]) == ("init_start", "python:3.12.v38")
    assert json.loads(str(r["attributes"])) == {"runtime_version_arn": "arn:aws:lambda:eu-west-1::runtime:abc"}


def test_restore_start_and_report() -> None:
    assert row(p.RUNTIME_START, "RESTORE_START Runtime Version: java:21.v20\n")["record_type"] == "restore_start"
    r = row(p.RESTORE_REPORT, "RESTORE_REPORT Restore Duration: 271.67 ms\n")
    assert (r["record_type"], r["restore_duration_ms"]) == ("restore_report", 271.67)


def test_init_report_of_a_failed_init() -> None:
    r = row(p.INIT_REPORT, "INIT_REPORT Init Duration: 10008.21 ms\tPhase: init\tStatus: timeout\n")
    assert (r["init_duration_ms"], r["status"], r["level"]) == (10008.21, "timeout", "ERROR")
    assert json.loads(str(r["attributes"])) == {"phase": "init"}


def test_extension_and_telemetry_lines() -> None:
    ext = row(p.EXTENSION, "EXTENSION\tName: otel-collector\tState: Ready\tEvents: [INVOKE, SHUTDOWN]\n")
    assert ext["record_type"] == "extension"
    assert json.loads(str(ext["attributes"])) == {
        "name": "otel-collector",
        "state": "Ready",
        "events": "[INVOKE, SHUTDOWN]",
    }
    tel = row(p.EXTENSION, "TELEMETRY\tName: otel-collector\tState: Subscribed\tTypes: [Platform, Function]\n")
    assert tel["record_type"] == "telemetry"
    assert json.loads(str(tel["attributes"]))["types"] == "[Platform, Function]"


def test_restore_report_of_a_failed_restore_names_its_error_type() -> None:
    r = row(
        p.RESTORE_REPORT, "RESTORE_REPORT Restore Duration: 571.67 ms\tStatus: error\tError Type: Runtime.ExitError"
    )
    assert (r["restore_duration_ms"], r["status"], r["level"], r["error_type"]) == (
        571.67,
        "error",
        "ERROR",
        "Runtime.ExitError",
    )


def test_logs_api_subscription_is_telemetry_like_telemetry_lines() -> None:
    line = "LOGS\tName: datadog-agent\tState: Subscribed\tTypes: [platform, function]"
    assert p.BY_PREFIX["LOGS"] is p.EXTENSION
    r = row(p.EXTENSION, line)
    assert r["record_type"] == "telemetry"
    assert json.loads(str(r["attributes"])) == {
        "name": "datadog-agent",
        "state": "Subscribed",
        "types": "[platform, function]",
    }


@pytest.mark.parametrize("sep", ["\t", " "])
def test_init_and_restore_reports_read_the_same_whether_tabs_or_spaces(sep: str) -> None:
    # Given the same INIT_REPORT / RESTORE_REPORT with its tabs kept or turned into spaces
    init = sep.join(
        [
            "INIT_REPORT Init Duration: 0.27 ms",
            "Phase: invoke",
            "Status: error",
            "Error Type: Runtime.InvalidEntrypoint",
        ]
    )
    restore = sep.join(
        ["RESTORE_REPORT Restore Duration: 1326.77 ms", "Status: error", "Error Type: Runtime.ExitError"]
    )
    # Then every field is read
    i = row(p.INIT_REPORT, init)
    assert (i["init_duration_ms"], i["status"], i["error_type"], json.loads(str(i["attributes"]))) == (
        0.27,
        "error",
        "Runtime.InvalidEntrypoint",
        {"phase": "invoke"},
    )
    r = row(p.RESTORE_REPORT, restore)
    assert (r["restore_duration_ms"], r["status"], r["error_type"]) == (1326.77, "error", "Runtime.ExitError")
