"""Node.js runtime lines in the text log format: `<ISO ts>\\t<request id>\\t<LEVEL>\\t<message>`.

Unhandled errors are printed as
`... ERROR\\tInvoke Error \\t{"errorType":...,"errorMessage":...,"stack":[...]}`
(also `Uncaught Exception` and `Unhandled Promise Rejection`); they become `runtime_error` rows.
Node 12 and older printed no level: `<ISO ts>\\t<request id>\\t<message>`.
Where the tabs were turned into spaces, `<ISO ts> <request id> <LEVEL> <message>` is read the same way
(the request id must then look like one, and the level must be there).
"""

from __future__ import annotations

import json
import re

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import UUID_SHAPE, request_id_or_none, stack_text, text_or_none

_TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"
_LINE = re.compile(rf"^({_TIMESTAMP})\t([^\t]*)\t(.*)$", re.DOTALL)
_SPACED = re.compile(rf"^{_TIMESTAMP} +({UUID_SHAPE}|undefined) +(TRACE|DEBUG|INFO|WARN|ERROR|FATAL) +(.*)$", re.DOTALL)
_ERROR_KINDS = ("Invoke Error", "Uncaught Exception", "Unhandled Promise Rejection")

FIELDS = ("record_type", "level", "request_id", "message", "error_type", "error_message", "stack_trace")


def _runtime_error(body: str) -> tuple[str | None, str | None, str | None] | None:
    """(error_type, error_message, stack) when `body` is one of the runtime's unhandled-error lines."""
    for kind in _ERROR_KINDS:
        if body.startswith(kind):
            payload = body[len(kind) :].strip()
            try:
                error = json.loads(payload)
            except ValueError:
                return None, payload or None, None
            if not isinstance(error, dict):
                return None, text_or_none(error), None
            return (
                text_or_none(error.get("errorType")),
                text_or_none(error.get("errorMessage")),
                stack_text(error.get("stack") or error.get("stackTrace")),
            )
    return None


def matches_spaced(line: str) -> bool:
    return _SPACED.match(line) is not None


def _level_and_body(request_id: str | None, level: str, body: str) -> Row:
    body = body.rstrip()
    error = _runtime_error(body)
    if error is not None:
        return ("runtime_error", level, request_id, body, *error)
    return ("app", level, request_id, body, None, None, None)


def parse(line: str) -> Row | None:
    match = _LINE.match(line)
    if not match:
        spaced = _SPACED.match(line)
        if spaced is None:
            return None
        return _level_and_body(request_id_or_none(spaced.group(1)), spaced.group(2), spaced.group(3))
    request_id = request_id_or_none(match.group(2))
    rest = match.group(3)
    head, sep, body = rest.partition("\t")
    level = normalize_level(head) if sep else None
    if level is None:
        return ("app", None, request_id, rest.rstrip(), None, None, None)
    return _level_and_body(request_id, level, body)


NODE_TEXT = Format("node_text", FIELDS, parse)
