"""Lines the Lambda service or a crashing runtime writes about a failed invocation (text log format).

- Timeouts: `<ISO ts> <request id> Task timed out after 3.00 seconds`, or, from newer runtimes,
  `RequestId: <id> Error: Task timed out after 3.00 seconds`.
- Runtime exits: `RequestId: <id> Error: Runtime exited with error: signal: killed\\nRuntime.ExitError`
  and the bare `Runtime exited with error: exit status 1`.
- Out of memory, whatever the runtime: `signal: killed`, `JavaScript heap out of memory`,
  `java.lang.OutOfMemoryError`, `fatal error: runtime: out of memory`. These get the error type
  `Runtime.OutOfMemory`, the name Lambda itself gives them in REPORT lines.
- A bare Python traceback printed without the runtime prefix (traceback.print_exc()).
"""

from __future__ import annotations

import json
import re

from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import UUID_RE, python_exception

_TIMEOUT = re.compile(rf"^(?:\S+ ({UUID_RE}) |RequestId: ({UUID_RE}) Error: )Task timed out after ([\d.]+) seconds")
_EXITED = re.compile(rf"^(?:RequestId: ({UUID_RE}) Error: )?Runtime exited with error: ([^\n]*)(?:\n(\S+))?")
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
    attributes = json.dumps({"timeout_seconds": float(match.group(3))})
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


def parse_crash(line: str) -> Row | None:
    """Runtime exits, out-of-memory lines from any runtime, bare Python tracebacks."""
    message = line.rstrip()
    match = _EXITED.match(line)
    if match:
        request_id, reason, error_type = match.groups()
        if is_out_of_memory(reason):
            error_type = OUT_OF_MEMORY
        return (
            "runtime_error",
            request_id,
            "ERROR",
            "error",
            error_type or "Runtime.ExitError",
            reason,
            None,
            None,
            message,
        )
    if is_out_of_memory(line):
        first = message.split("\n", 1)[0]
        stack = message if "\n" in message else None
        return ("runtime_error", None, "FATAL", "error", OUT_OF_MEMORY, first, stack, None, message)
    error_type, error_message, stack = python_exception(line)
    if stack is None:
        return None
    return ("app", None, "ERROR", None, error_type, error_message, stack, None, message)


TIMEOUT = Format("lambda_timeout", FIELDS, parse_timeout)
CRASH = Format("lambda_crash", FIELDS, parse_crash)


def looks_like_crash(line: str) -> bool:
    """Cheap pre-check used by the router before it hands a line to CRASH."""
    return "Runtime exited with error" in line or "Traceback (most recent call last):" in line or is_out_of_memory(line)
