"""Lines the Lambda service or a crashing runtime writes about a failed invocation (text log format).

- Timeouts: `<ISO ts> <request id> Task timed out after 3.00 seconds`, or, from newer runtimes,
  `RequestId: <id> Error: Task timed out after 3.00 seconds`.
- Every failure Lambda reports for a request: `RequestId: <id> Error: <reason>` and, on the next line
  (or after a space, when newlines were flattened), the error type Lambda gives it, e.g.
  `Error: Runtime exited with error: signal: killed\\nRuntime.ExitError`,
  `Error: fork/exec /var/task/bootstrap: no such file or directory\\nRuntime.InvalidEntrypoint`,
  `Runtime.ImportModuleError`, `Runtime.HandlerNotFound`, `Runtime.Unknown`... The type the line
  states is the error type; the bare `Runtime exited with error: exit status 1` gets `Runtime.ExitError`.
- Out of memory, whatever the runtime: `signal: killed`, `JavaScript heap out of memory`,
  `java.lang.OutOfMemoryError`, `fatal error: runtime: out of memory`. When the line states no type
  they get `Runtime.OutOfMemory`, the name Lambda itself gives them in REPORT lines. A runtime that
  prefixes its lines (`<ISO ts> <request id> FATAL ERROR: ... JavaScript heap out of memory`) keeps
  the request id.
- A bare Python traceback printed without the runtime prefix (traceback.print_exc()).
"""

from __future__ import annotations

import re

from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import UUID_RE, UUID_SHAPE, json_text, python_exception

_TIMEOUT = re.compile(rf"^(?:\S+ ({UUID_RE}) |RequestId: ({UUID_RE}) Error: )Task timed out after ([\d.]+) seconds")
_EXITED = re.compile(r"^Runtime exited with error: ([^\n]*)(?:\n(\S+))?")
# `RequestId: <id> Error: <reason>` + the error type on the next line or at the end after a space.
_REQUEST_ERROR = re.compile(rf"^RequestId:[\t ]+({UUID_SHAPE})[\t ]+Error:[\t ]*")
_STATED_TYPE = re.compile(r"[\r\n\t ]((?:Runtime|Sandbox)\.[A-Za-z]+)$")
_PREFIXED = re.compile(rf"^\d{{4}}-\d\d-\d\dT[\d:.]+Z?[\t ]+({UUID_SHAPE})[\t ]")
OOM_MARKERS = (
    "signal: killed",
    "JavaScript heap out of memory",
    "java.lang.OutOfMemoryError",
    "fatal error: runtime: out of memory",
)
OUT_OF_MEMORY = "Runtime.OutOfMemory"

FIELDS = (
    "record_type",
    "request_id",
    "level",
    "status",
    "error_type",
    "error_message",
    "stack_trace",
    "attributes",
    "message",
)


def is_out_of_memory(text: str) -> bool:
    return any(marker in text for marker in OOM_MARKERS)


def parse_timeout(line: str) -> Row | None:
    match = _TIMEOUT.match(line)
    if not match:
        return None
    request_id = match.group(1) or match.group(2)
    attributes = json_text({"timeout_seconds": float(match.group(3))})
    reason = f"Task timed out after {match.group(3)} seconds"
    return (
        "timeout",
        request_id,
        "ERROR",
        "timeout",
        "Sandbox.Timedout",
        reason,
        None,
        attributes,
        line.rstrip(),
    )


def _error_row(request_id: str | None, reason: str, error_type: str | None, message: str) -> Row:
    if error_type is None:
        error_type = OUT_OF_MEMORY if is_out_of_memory(reason) else "Runtime.ExitError"
    return ("runtime_error", request_id, "ERROR", "error", error_type, reason, None, None, message)


def parse_crash(line: str) -> Row | None:
    """Request failures, runtime exits, out-of-memory lines from any runtime, bare Python tracebacks."""
    message = line.rstrip()
    match = _REQUEST_ERROR.match(message)
    if match:
        reason = message[match.end() :]
        stated = _STATED_TYPE.search(reason)
        if stated:
            reason = reason[: stated.start()]
        reason = reason.strip().removeprefix("Runtime exited with error: ")
        return _error_row(match.group(1), reason, stated.group(1) if stated else None, message)
    match = _EXITED.match(message)
    if match:
        return _error_row(None, match.group(1).strip(), match.group(2), message)
    if is_out_of_memory(line):
        first = message.split("\n", 1)[0]
        stack = message if "\n" in message else None
        prefixed = _PREFIXED.match(first)
        request_id = prefixed.group(1) if prefixed else None
        return ("runtime_error", request_id, "FATAL", "error", OUT_OF_MEMORY, first, stack, None, message)
    error_type, error_message, stack = python_exception(line)
    if stack is None:
        return None
    return ("app", None, "ERROR", None, error_type, error_message, stack, None, message)


TIMEOUT = Format("lambda_timeout", FIELDS, parse_timeout)
CRASH = Format("lambda_crash", FIELDS, parse_crash)


def looks_like_crash(line: str) -> bool:
    """Cheap pre-check used by the router before it hands a line to CRASH."""
    return (
        (line.startswith("RequestId: ") and " Error:" in line[:80])
        or "Runtime exited with error" in line
        or "Traceback (most recent call last):" in line
        or is_out_of_memory(line)
    )
