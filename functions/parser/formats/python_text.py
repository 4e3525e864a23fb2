"""Python runtime lines in the text log format.

- `logging` through the runtime: `[LEVEL]\\t<ISO ts>\\t<request id>\\t<message>`; the message may carry a
  traceback (logger.exception), from which the error type and stack are taken.
- An unhandled exception: `[ERROR] KeyError: 'x'\\nTraceback (most recent call last):\\n  File ...` as one
  event, usually with neither timestamp nor request id (the pipeline fills the request id in).
"""

from __future__ import annotations

import re

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import python_exception, request_id_or_none

_LOGGING = re.compile(r"^\[([A-Z]+)\]\t([^\t]*)\t([^\t]*)\t(.*)$", re.DOTALL)
_UNHANDLED = re.compile(r"^\[([A-Z]+)\] ([A-Za-z_][\w.]*)(?::[ ]?([^\n]*))?(?:\n(.*))?$", re.DOTALL)

FIELDS = ("record_type", "level", "request_id", "message", "error_type", "error_message", "stack_trace")


def parse(line: str) -> Row | None:
    match = _LOGGING.match(line)
    if match:
        level = normalize_level(match.group(1))
        if level is None:
            return None
        message = match.group(4).rstrip()
        error_type, error_message, stack = python_exception(message)
        return ("app", level, request_id_or_none(match.group(3)), message, error_type, error_message, stack)
    match = _UNHANDLED.match(line)
    if not match or normalize_level(match.group(1)) is None:
        return None
    level_name, error_type, error_message, rest = match.groups()
    stack = (rest or "").rstrip() or None
    message = line[len(level_name) + 3 :].rstrip()
    return ("runtime_error", normalize_level(level_name), None, message, error_type, error_message, stack)


PYTHON_TEXT = Format("python_text", FIELDS, parse)
