"""Python runtime lines in the text log format.

- `logging` through the runtime: `[LEVEL]\\t<ISO ts>\\t<request id>\\t<message>`; the message may carry a
  traceback (logger.exception), from which the error type and stack are taken. Where the tabs were
  turned into spaces (documentation, copied consoles) the same line still parses.
- An unhandled exception: `[ERROR] KeyError: 'x'\\nTraceback (most recent call last):\\n  File ...` as one
  event (the runtime may separate its lines with `\\r`), usually with neither timestamp nor request id
  (the pipeline fills the request id in). It is a `runtime_error`: the invocation failed.
- Any other `[LEVEL] text` line is what the function logged at that level (`[ERROR] First test message`,
  PowerShell's `[Information] - text`).
- The runtime's own warning before an unhandled exception, printed bare:
  `LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code...`.
"""

from __future__ import annotations

import re

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import UUID_SHAPE, python_exception, request_id_or_none

_LOGGING = re.compile(r"^\[([A-Z]+)\]\t([^\t]*)\t([^\t]*)\t(.*)$", re.DOTALL)
_SPACED = re.compile(
    rf"^\[([A-Z]+)\][\t ]+(\d{{4}}-\d\d-\d\dT[\d:.]+Z)[\t ]+(?:({UUID_SHAPE}|None)(?:[\t ]+|$))?(.*)$", re.DOTALL
)
_LEVELLED = re.compile(r"^\[([A-Za-z]+)\] ?(?:- )?(.*)$", re.DOTALL)  # also PowerShell's `[Information] - text`
_UNHANDLED = re.compile(r"^([A-Za-z_][\w.]*)(?::[ ]?([^\n]*))?$")
_TRACEBACK = "Traceback (most recent call last):"
LAMBDA_WARNING = "LAMBDA_WARNING: "

FIELDS = ("record_type", "level", "request_id", "message", "error_type", "error_message", "stack_trace")


def _logged(level: str, request_id: str | None, message: str) -> Row:
    message = message.rstrip()
    error_type, error_message, stack = python_exception(message)
    return ("app", level, request_id, message, error_type, error_message, stack)


def _levelled(level: str, text: str) -> Row:
    """`[LEVEL] text`: an unhandled exception when a traceback follows `Type: message`, else a logged line."""
    text = text.replace("\r", "\n").rstrip()
    head, _, rest = text.partition("\n")
    unhandled = _UNHANDLED.match(head)
    if unhandled and rest.lstrip().startswith(_TRACEBACK):
        stack = rest.strip() or None
        return ("runtime_error", level, None, text, unhandled.group(1), unhandled.group(2) or None, stack)
    return _logged(level, None, text)


def parse(line: str) -> Row | None:
    if line.startswith(LAMBDA_WARNING):
        return ("app", "WARN", None, line.rstrip(), None, None, None)
    match = _LOGGING.match(line)
    if match:
        level = normalize_level(match.group(1))
        return None if level is None else _logged(level, request_id_or_none(match.group(3)), match.group(4))
    match = _SPACED.match(line)
    if match:
        level = normalize_level(match.group(1))
        return None if level is None else _logged(level, request_id_or_none(match.group(3)), match.group(4))
    match = _LEVELLED.match(line)
    level = normalize_level(match.group(1)) if match else None
    if match is None or level is None or not match.group(2).strip():
        return None
    return _levelled(level, match.group(2))


PYTHON_TEXT = Format("python_text", FIELDS, parse)
