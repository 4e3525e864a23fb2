"""Node.js runtime text lines."""

from __future__ import annotations

import json

from functions.parser.formats.node_text import NODE_TEXT

RID = "3f1c5e2a-1b2c-4d5e-8f90-123456789abc"


def row(line: str) -> dict[str, object]:
    parsed = NODE_TEXT.parse(line)
    assert parsed is not None
    return dict(zip(NODE_TEXT.fields, parsed, strict=True))


def test_console_lines_carry_level_and_request_id() -> None:
    r = row(f"2026-11-27T05:09:25.900Z\t{RID}\tWARN\tslow downstream\n")
    assert (r["record_type"], r["level"], r["request_id"], r["message"]) == (
        "app",
        "WARN",
        RID,
        "slow downstream",
    )


def test_invoke_error_becomes_a_runtime_error_with_its_stack() -> None:
    error = {
        "errorType": "CardDeclined",
        "errorMessage": "card declined",
        "stack": ["CardDeclined: card declined", "    at charge (/var/task/index.js:14:11)"],
    }
    r = row(f"2026-11-27T05:09:25.940Z\t{RID}\tERROR\tInvoke Error \t{json.dumps(error)}\n")
    assert (r["record_type"], r["error_type"], r["error_message"]) == (
        "runtime_error",
        "CardDeclined",
        "card declined",
    )
    assert r["stack_trace"] == "CardDeclined: card declined\n    at charge (/var/task/index.js:14:11)"


def test_uncaught_exception_during_init_has_no_request_id() -> None:
    r = row(
        '2026-11-27T05:09:25.940Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Cannot find module"}'
    )
    assert (r["record_type"], r["request_id"], r["error_type"]) == (
        "runtime_error",
        None,
        "Runtime.ImportModuleError",
    )


def test_invoke_error_with_broken_json_is_still_a_runtime_error() -> None:
    r = row(f"2026-11-27T05:09:25.940Z\t{RID}\tERROR\tInvoke Error \t{{truncated")
    assert (r["record_type"], r["error_type"], r["error_message"]) == ("runtime_error", None, "{truncated")


def test_old_node_lines_without_level() -> None:
    r = row(f"2026-11-27T05:09:25.900Z\t{RID}\tjust a message")
    assert (r["level"], r["message"]) == (None, "just a message")


def test_non_node_lines_are_rejected() -> None:
    assert NODE_TEXT.parse("2026-11-27 05:09:25 not node") is None


def test_console_lines_whose_tabs_became_spaces() -> None:
    r = row("2019-06-07T19:11:20.564Z c793869b-ee49-115b-a5b6-4fd21e8dedac WARN Event not processed.")
    assert (r["level"], r["request_id"], r["message"]) == (
        "WARN",
        "c793869b-ee49-115b-a5b6-4fd21e8dedac",
        "Event not processed.",
    )


def test_uncaught_exception_whose_tabs_became_spaces() -> None:
    err = '{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module \'x\'","stack":["a"]}'
    r = row(f"2025-06-09T00:24:05.061Z undefined ERROR Uncaught Exception {err}")
    assert (r["record_type"], r["request_id"], r["error_type"]) == ("runtime_error", None, "Runtime.ImportModuleError")
