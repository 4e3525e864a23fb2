"""Timeouts, runtime exits and out-of-memory lines."""

from __future__ import annotations

import json

import pytest

from functions.parser.formats.lambda_runtime_text import CRASH, OUT_OF_MEMORY, TIMEOUT, looks_like_crash

RID = "a0c9ec80-9b8b-409e-8b92-4a4c006c15c1"


def row(fmt: object, line: str) -> dict[str, object]:
    parsed = fmt.parse(line)  # type: ignore[attr-defined]
    assert parsed is not None
    return dict(zip(fmt.fields, parsed, strict=True))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "line",
    [
        f"2026-11-27T05:09:34.001Z {RID} Task timed out after 3.00 seconds\n\n",
        f"RequestId: {RID} Error: Task timed out after 3.00 seconds",
    ],
)
def test_timeouts(line: str) -> None:
    r = row(TIMEOUT, line)
    assert (r["record_type"], r["request_id"], r["status"], r["level"]) == (
        "timeout",
        RID,
        "timeout",
        "ERROR",
    )
    assert json.loads(str(r["attributes"])) == {"timeout_seconds": 3.0}
    assert r["error_message"] == "Task timed out after 3.00 seconds"


def test_runtime_exit_by_signal_without_a_stated_type_is_out_of_memory() -> None:
    r = row(CRASH, f"RequestId: {RID} Error: Runtime exited with error: signal: killed")
    assert (r["record_type"], r["request_id"], r["error_type"]) == ("runtime_error", RID, OUT_OF_MEMORY)


def test_the_error_type_the_line_states_wins_over_an_inferred_one() -> None:
    # Given a kill that Lambda itself reports as Runtime.ExitError
    r = row(CRASH, f"RequestId: {RID} Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n")
    # Then it is that error, not an out-of-memory guessed from `signal: killed`
    assert (r["record_type"], r["request_id"], r["error_type"]) == ("runtime_error", RID, "Runtime.ExitError")


def test_runtime_exit_with_status_keeps_the_runtime_error_type() -> None:
    r = row(CRASH, f"RequestId: {RID} Error: Runtime exited with error: exit status 1\nRuntime.ExitError")
    assert (r["error_type"], r["error_message"]) == ("Runtime.ExitError", "exit status 1")


@pytest.mark.parametrize(
    "line",
    [
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
        "fatal error: runtime: out of memory\n\ngoroutine 1 [running]:",
    ],
)
def test_out_of_memory_lines_of_every_runtime(line: str) -> None:
    assert looks_like_crash(line)
    r = row(CRASH, line)
    assert (r["record_type"], r["error_type"], r["status"]) == ("runtime_error", OUT_OF_MEMORY, "error")


def test_bare_python_traceback_is_an_error_line() -> None:
    r = row(
        CRASH,
        'Traceback (most recent call last):\n  File "/var/task/app.py", line 3, in <module>\nValueError: nope\n',
    )
    assert (r["record_type"], r["level"], r["error_type"], r["error_message"]) == (
        "app",
        "ERROR",
        "ValueError",
        "nope",
    )


def test_ordinary_text_is_not_a_crash() -> None:
    assert not looks_like_crash("all good")
    assert CRASH.parse("all good") is None


@pytest.mark.parametrize(
    ("line", "error_type", "reason"),
    [
        (
            f"RequestId: {RID} Error: fork/exec /var/task/bootstrap: no such file or directory\nRuntime.InvalidEntrypoint",
            "Runtime.InvalidEntrypoint",
            "fork/exec /var/task/bootstrap: no such file or directory",
        ),
        (
            f"RequestId: {RID} Error: fork/exec /var/task/bootstrap: no such file or directory Runtime.InvalidEntrypoint",
            "Runtime.InvalidEntrypoint",
            "fork/exec /var/task/bootstrap: no such file or directory",
        ),
        (
            f"RequestId: {RID} Error: Runtime exited with error: exit status 1\nRuntime.ExitError",
            "Runtime.ExitError",
            "exit status 1",
        ),
        (
            f"RequestId: {RID} Error: Unable to import module 'app': No module named 'app'\nRuntime.ImportModuleError",
            "Runtime.ImportModuleError",
            "Unable to import module 'app': No module named 'app'",
        ),
        (
            f"RequestId: {RID} Error: Handler 'nope' missing on module 'app'\nRuntime.HandlerNotFound",
            "Runtime.HandlerNotFound",
            None,
        ),
        (
            f"RequestId: {RID} Error: Runtime exited without providing a reason\nRuntime.Unknown",
            "Runtime.Unknown",
            None,
        ),
    ],
)
def test_every_request_failure_lambda_reports_is_a_runtime_error_of_the_type_it_states(
    line: str, error_type: str, reason: str | None
) -> None:
    # Given a failure line Lambda writes for a request (its type on the next line, or after a space)
    assert looks_like_crash(line)
    # When it is parsed
    r = row(CRASH, line)
    # Then it is a runtime error of that request, with the stated type
    assert (r["record_type"], r["request_id"], r["status"], r["level"], r["error_type"]) == (
        "runtime_error",
        RID,
        "error",
        "ERROR",
        error_type,
    )
    if reason is not None:
        assert r["error_message"] == reason


def test_out_of_memory_with_a_timestamp_and_request_id_prefix_keeps_the_request_id() -> None:
    # Given Node.js's fatal heap line as the runtime prefixes it (Datadog forwarder's fixture)
    line = (
        f"2020-06-09T15:02:26.150Z {RID} FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed"
        " - JavaScript heap out of memory\n\n"
    )
    r = row(CRASH, line)
    # Then it is the out-of-memory failure of that request
    assert (r["record_type"], r["request_id"], r["error_type"]) == ("runtime_error", RID, OUT_OF_MEMORY)
