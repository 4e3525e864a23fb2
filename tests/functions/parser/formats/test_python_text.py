"""Python runtime text lines."""

from __future__ import annotations

from functions.parser.formats.python_text import PYTHON_TEXT

RID = "d1527f2e-75d1-404c-856f-b42bbda5d90b"


def row(line: str) -> dict[str, object]:
    parsed = PYTHON_TEXT.parse(line)
    assert parsed is not None
    return dict(zip(PYTHON_TEXT.fields, parsed, strict=True))


def test_logging_line_levels_are_normalized() -> None:
    for printed, level in [
        ("DEBUG", "DEBUG"),
        ("INFO", "INFO"),
        ("WARNING", "WARN"),
        ("ERROR", "ERROR"),
        ("CRITICAL", "FATAL"),
    ]:
        r = row(f"[{printed}]\t2019-09-05T03:09:26.463Z\t{RID}\tsomething happened\n")
        assert (r["record_type"], r["level"], r["request_id"], r["message"]) == (
            "app",
            level,
            RID,
            "something happened",
        )


def test_logger_exception_keeps_the_traceback_and_names_the_error() -> None:
    line = (
        f"[ERROR]\t2026-11-27T05:09:26.463Z\t{RID}\tpayment failed\nTraceback (most recent call last):\n"
        '  File "/var/task/app.py", line 5, in handler\nValueError: amount must be positive\n'
    )
    r = row(line)
    assert (r["record_type"], r["error_type"], r["error_message"]) == (
        "app",
        "ValueError",
        "amount must be positive",
    )
    assert str(r["stack_trace"]).startswith("Traceback (most recent call last):")


def test_unhandled_exception_is_one_runtime_error_without_request_id() -> None:
    line = "[ERROR] KeyError: 'customer'\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 12, in handler\n"
    r = row(line)
    assert (r["record_type"], r["level"], r["request_id"]) == ("runtime_error", "ERROR", None)
    assert (r["error_type"], r["error_message"]) == ("KeyError", "'customer'")
    assert str(r["stack_trace"]).startswith("Traceback (most recent call last):")


def test_import_errors_keep_their_runtime_error_type() -> None:
    r = row(
        "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'\nTraceback (most recent call last):"
    )
    assert r["error_type"] == "Runtime.ImportModuleError"
    assert r["error_message"] == "Unable to import module 'app': No module named 'requests'"


def test_placeholder_request_ids_become_none() -> None:
    assert row("[INFO]\t2026-11-27T05:09:26.463Z\t\tinit done\n")["request_id"] is None


def test_lines_that_only_look_similar_are_rejected() -> None:
    assert PYTHON_TEXT.parse("[NOTALEVEL]\tx\ty\tz") is None
    assert PYTHON_TEXT.parse("[INFO]") is None


def test_level_lines_without_timestamp_or_request_id_keep_their_level() -> None:
    # Given `[LEVEL] text` lines as in Powertools' sample event, and PowerShell's `[Information] - text`
    r = row("[ERROR] First test message")
    assert (r["record_type"], r["level"], r["message"]) == ("app", "ERROR", "First test message")
    ps = row("[Information] - ## Environment variables")
    assert (ps["level"], ps["message"]) == ("INFO", "## Environment variables")


def test_bare_lambda_warning_is_a_warning() -> None:
    r = row("LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code.")
    assert (r["record_type"], r["level"]) == ("app", "WARN")


def test_logging_lines_whose_tabs_became_spaces() -> None:
    r = row(f"[ERROR]    2024-08-11T03:06:56.747Z    {RID}    Disconnect timed out")
    assert (r["level"], r["request_id"], r["message"]) == ("ERROR", RID, "Disconnect timed out")
    empty = row("[WARNING] 2025-09-04T14:34:19.323Z  LAMBDA_WARNING: Unhandled exception.")
    assert (empty["level"], empty["request_id"], empty["message"]) == (
        "WARN",
        None,
        "LAMBDA_WARNING: Unhandled exception.",
    )


def test_unhandled_exception_whose_lines_are_separated_by_carriage_returns() -> None:
    r = row("[ERROR] FaultExceptionType: Fault exception msg\rTraceback (most recent call last):\n")
    assert (r["record_type"], r["error_type"], r["error_message"]) == (
        "runtime_error",
        "FaultExceptionType",
        "Fault exception msg",
    )
