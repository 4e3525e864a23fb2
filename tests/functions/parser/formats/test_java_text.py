"""Java log4j2 lines."""

from __future__ import annotations

import json

from functions.parser.formats.java_text import JAVA_TEXT

RID = "8a1f8b1c-2d3e-4f50-9a6b-7c8d9e0f1a2b"


def row(line: str) -> dict[str, object]:
    parsed = JAVA_TEXT.parse(line)
    assert parsed is not None
    return dict(zip(JAVA_TEXT.fields, parsed, strict=True))


def test_log4j_line_with_request_id_level_and_logger() -> None:
    r = row(f"2026-11-27 05:09:26.320 {RID} INFO  ThumbnailHandler - resized photo.jpg\n")
    assert (r["record_type"], r["request_id"], r["level"], r["message"]) == (
        "app",
        RID,
        "INFO",
        "resized photo.jpg",
    )
    assert json.loads(str(r["attributes"])) == {"logger": "ThumbnailHandler"}


def test_logged_exception_gives_type_message_and_stack() -> None:
    line = (
        f"2026-11-27 05:09:26.330 {RID} ERROR ThumbnailHandler - upload failed\n"
        "java.lang.IllegalStateException: bucket missing\n\tat com.example.ThumbnailHandler.upload(ThumbnailHandler.java:52)\n"
    )
    r = row(line)
    assert (r["error_type"], r["error_message"]) == ("java.lang.IllegalStateException", "bucket missing")
    assert str(r["stack_trace"]).endswith("(ThumbnailHandler.java:52)")


def test_line_without_request_id_during_init() -> None:
    r = row("2026-11-27 05:09:26 WARN Config - using defaults")
    assert (r["request_id"], r["level"], r["message"]) == (None, "WARN", "using defaults")


def test_other_timestamped_text_is_rejected() -> None:
    assert JAVA_TEXT.parse("2026-11-27 05:09:26 something without a level") is None


def test_logback_default_layout_without_a_date() -> None:
    r = row("09:24:37.351 [main] INFO  helloworld.App - Hello from Lambda\n")
    assert (r["request_id"], r["level"], r["message"]) == (None, "INFO", "Hello from Lambda")
    assert json.loads(str(r["attributes"])) == {"logger": "helloworld.App"}


def test_request_id_first_without_a_time() -> None:
    # Given a log4j2 line of a SnapStart function as `sam logs` shows it (request id, level, logger:line)
    r = row("b771fecc-1b53-4faf-922d-1d74357b1676 DEBUG AbstractFlow:219 - New Inbound Call, starting flow")
    assert (r["request_id"], r["level"], r["message"]) == (
        "b771fecc-1b53-4faf-922d-1d74357b1676",
        "DEBUG",
        "New Inbound Call, starting flow",
    )
    assert json.loads(str(r["attributes"])) == {"logger": "AbstractFlow"}


def test_java_util_logging_level_lines() -> None:
    for printed, level in [("INFO", "INFO"), ("WARNING", "WARN"), ("SEVERE", "ERROR"), ("FINE", "DEBUG")]:
        r = row(f"{printed}: connection pool ready")
        assert (r["level"], r["message"]) == (level, "connection pool ready")


def test_documentation_request_ids_with_letters_are_still_request_ids() -> None:
    r = row("2020-03-18 08:52:43 6bc28136-xmpl-4365-b021-0ce6b2e64ab0 INFO  Handler - CONTEXT:")
    assert (r["request_id"], r["level"]) == ("6bc28136-xmpl-4365-b021-0ce6b2e64ab0", "INFO")
