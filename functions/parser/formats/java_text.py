"""Java lines written by log4j2 with the Lambda appender, common pattern:
`%d{yyyy-MM-dd HH:mm:ss.SSS} %X{AWSRequestId} %-5p %c{1} - %m%n`, e.g.
`2026-11-27 09:12:44.123 3f1c...-... INFO  OrderHandler - saved order 42`.
A logged exception follows the message on the next lines (`java.lang.X: msg` then `\\tat ...` frames).
"""

from __future__ import annotations

import json
import re

from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import UUID_RE

_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?\s+"
    rf"(?:({UUID_RE})\s+)?(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\s+(\S+)\s+-\s?(.*)$",
    re.DOTALL,
)
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


def parse(line: str) -> Row | None:
    match = _LINE.match(line)
    if not match:
        return None
    request_id, level, logger, message = match.groups()
    message = message.rstrip()
    error_type, error_message, stack = _exception(message) if "\n" in message else (None, None, None)
    attributes = json.dumps({"logger": logger})
    return ("app", request_id, level, message, error_type, error_message, stack, attributes)


JAVA_TEXT = Format("java_text", FIELDS, parse)
