"""Java lines, in the layouts Lambda functions commonly configure:

- log4j2 with the Lambda appender, `%d{yyyy-MM-dd HH:mm:ss.SSS} %X{AWSRequestId} %-5p %c{1} - %m%n`, e.g.
  `2026-11-27 09:12:44.123 3f1c...-... INFO  OrderHandler - saved order 42`;
- logback's default layout, with a time but no date: `09:24:37.351 [main] INFO  helloworld.App - ...`;
- the request id first, without a time: `<request id> DEBUG AbstractFlow:219 - ...`;
- java.util.logging's level line: `INFO: ...`, `SEVERE: ...` (levels mapped by `base.LEVEL_ALIASES`).
A logged exception follows the message on the next lines (`java.lang.X: msg` then `\\tat ...` frames).
"""

from __future__ import annotations

import re

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import UUID_SHAPE, json_text

_LEVEL = r"(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)"
_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?\s+"
    rf"(?:({UUID_SHAPE})\s+)?{_LEVEL}\s+(\S+)\s+-\s?(.*)$",
    re.DOTALL,
)
_TIME_ONLY = re.compile(
    rf"^\d\d:\d\d:\d\d(?:[.,]\d+)?[ \t]+\[[^\]\n]*\][ \t]+{_LEVEL}[ \t]+(\S+)[ \t]+-[ \t]?(.*)$", re.DOTALL
)
_ID_FIRST = re.compile(rf"^({UUID_SHAPE})[ \t]+{_LEVEL}[ \t]+(\S+?)(?::\d+)?[ \t]+-[ \t]?(.*)$", re.DOTALL)
JUL_LEVELS = ("SEVERE", "WARNING", "INFO", "CONFIG", "FINE", "FINER", "FINEST")
_JUL = re.compile(r"^(" + "|".join(JUL_LEVELS) + r"): (.*)$", re.DOTALL)
_EXCEPTION = re.compile(r"^([a-zA-Z_$][\w$]*(?:\.[\w$]+)+(?:Exception|Error|Throwable)?)(?::\s?(.*))?$")

FIELDS = (
    "record_type",
    "request_id",
    "level",
    "message",
    "error_type",
    "error_message",
    "stack_trace",
    "attributes",
)


def _exception(message: str) -> tuple[str | None, str | None, str | None]:
    """The first exception line of a logged throwable, and the stack from it on."""
    lines = message.split("\n")
    for i, line in enumerate(lines[1:], start=1):
        match = _EXCEPTION.match(line.strip())
        if match and i + 1 < len(lines) and lines[i + 1].lstrip().startswith("at "):
            return match.group(1), match.group(2), "\n".join(lines[i:]).rstrip()
    return None, None, None


def _row(request_id: str | None, level: str | None, logger: str | None, message: str) -> Row:
    message = message.rstrip()
    error_type, error_message, stack = _exception(message) if "\n" in message else (None, None, None)
    attributes = json_text({"logger": logger}) if logger is not None else None
    return ("app", request_id, level, message, error_type, error_message, stack, attributes)


def matches_dated(line: str) -> bool:
    """True for the dated log4j2 layout (the router tells it from a Node.js line whose tabs became spaces)."""
    return _LINE.match(line) is not None


def parse(line: str) -> Row | None:
    match = _LINE.match(line)
    if match:
        request_id, level, logger, message = match.groups()
        return _row(request_id, level, logger, message)
    match = _TIME_ONLY.match(line) or _ID_FIRST.match(line)
    if match:
        groups = match.groups()
        request_id = groups[0] if len(groups) == 4 else None
        level, logger, message = groups[-3:]
        return _row(request_id, level, logger, message)
    match = _JUL.match(line)
    if match:
        return _row(None, normalize_level(match.group(1)), None, match.group(2))
    return None


JAVA_TEXT = Format("java_text", FIELDS, parse)
