"""Node.js runtime lines in the text log format: `<ISO ts>\\t<request id>\\t<LEVEL>\\t<message>`.

Unhandled errors are printed as
`... ERROR\\tInvoke Error \\t{"errorType":...,"errorMessage":...,"stack":[...]}`
(also `Uncaught Exception` and `Unhandled Promise Rejection`); they become `runtime_error` rows.
Node 12 and older printed no level: `<ISO ts>\\t<request id>\\t<message>`.
"""

from __future__ import annotations

import json
import re

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import request_id_or_none, stack_text, text_or_none

_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\t([^\t]*)\t(.*)$", re.DOTALL)
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


def parse(line: str) -> Row | None:
    match = _LINE.match(line)
    if not match:
        return None
    request_id = request_id_or_none(match.group(2))
    rest = match.group(3)
    head, sep, body = rest.partition("\t")
    level = normalize_level(head) if sep else None
    if level is None:
        return ("app", None, request_id, rest.rstrip(), None, None, None)
    body = body.rstrip()
    error = _runtime_error(body)
    if error is not None:
        return ("runtime_error", level, request_id, body, *error)
    return ("app", level, request_id, body, None, None, None)


NODE_TEXT = Format("node_text", FIELDS, parse)
