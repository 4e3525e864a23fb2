"""The router sends each real line shape to the format that reads it (and never lets a known shape fall
through to 'print' or 'unknown')."""

from __future__ import annotations

import pytest

from functions.parser.formats import java_text, lambda_runtime_text, node_text, plain, python_text
from functions.parser.formats.base import Format
from functions.parser.route import route

RID = "b771fecc-1b53-4faf-922d-1d74357b1676"


@pytest.mark.parametrize(
    ("line", "fmt"),
    [
        (
            f"RequestId: {RID} Error: fork/exec /var/task/bootstrap: no such file or directory\nRuntime.InvalidEntrypoint",
            lambda_runtime_text.CRASH,
        ),
        (f"RequestId: {RID} Error: Task timed out after 3.00 seconds", lambda_runtime_text.TIMEOUT),
        (
            f"2020-06-09T15:02:26.150Z {RID} FATAL ERROR: Allocation failed - JavaScript heap out of memory",
            lambda_runtime_text.CRASH,
        ),
        (
            "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code.",
            python_text.PYTHON_TEXT,
        ),
        ("[ERROR] First test message", python_text.PYTHON_TEXT),
        ("[Information] - ## Environment variables", python_text.PYTHON_TEXT),
        ("[INFORMATION]\t2026-11-27T00:00:00.000Z\t\tlonger level names too", python_text.PYTHON_TEXT),
        ("09:24:37.351 [main] INFO  helloworld.App - Hello", java_text.JAVA_TEXT),
        (f"{RID} DEBUG AbstractFlow:219 - New Inbound Call, starting flow", java_text.JAVA_TEXT),
        ("SEVERE: connection refused", java_text.JAVA_TEXT),
        (f"2019-06-07T19:11:20.564Z {RID} WARN Event not processed.", node_text.NODE_TEXT),
        (f"2020-03-18 08:52:43 {RID} INFO  Handler - CONTEXT:", java_text.JAVA_TEXT),
    ],
)
def test_real_line_shapes_reach_their_format(line: str, fmt: Format) -> None:
    # Given a real line shape, When routed
    chosen, value = route(line, plain.PRINT)
    # Then its format takes it, and that format reads it
    assert chosen is fmt
    assert chosen.parse(value) is not None


@pytest.mark.parametrize(
    "line",
    [
        "09:24 is not a log layout",
        "INFORMATIONAL: not a level word",
        f"{RID} is just an id",
        "2020/03/27 03:40:05 go log",
    ],
)
def test_near_misses_stay_prints(line: str) -> None:
    assert route(line, plain.PRINT)[0] is plain.PRINT


def test_a_log4j_line_that_mentions_out_of_memory_stays_a_java_line() -> None:
    line = f"2026-11-27 05:09:26.330 {RID} ERROR Handler - java.lang.OutOfMemoryError: Java heap space"
    assert route(line, plain.PRINT)[0] is java_text.JAVA_TEXT
