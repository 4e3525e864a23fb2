"""API Gateway execution logs: lines `(<request id>) <message>`.

They arrive in the group `API-Gateway-Execution-Logs_<apiId>/<stage>`; `api_and_stage_from_group`
reads the API id and stage from that name (the parser sees only the message).

`message` is the text after the `(<request id>) ` prefix. The lines that state a fact fill its column:
- `HTTP Method: GET, Resource Path: /echo` → http_method, resource_path;
- `Received response. Status: 200, Integration latency: 86 ms` (or without the status) → status_code
  (what the integration answered) and integration_latency_ms;
- `Method completed with status: N` → status_code, the status the client received;
- `X-ray Tracing ID : 1-...` → trace_id.
`level`:
- ERROR when the line's headline (the text before its first colon) says failed / error / timed out,
  e.g. `Execution failed due to configuration error: ...`, `Endpoint request timed out`,
  `Lambda execution failed with status 200 due to customer function error: ...`. Only the headline
  is read so that a logged body such as `Endpoint response body before transformations:
  {"errorMessage": ...}` is not mistaken for a failure of the gateway;
- on the completion line, from the status like access logs: 5xx → ERROR, 4xx → WARN;
- INFO otherwise.
"""

from __future__ import annotations

import re

from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import request_id_or_none

_LINE = re.compile(r"^\(([^()\s]+)\) (.*)$", re.DOTALL)
_COMPLETED = re.compile(r"completed with status: (\d{3})\b")
_REQUEST = re.compile(r"^HTTP Method: ([A-Z]+), Resource Path: (\S+)")
_RECEIVED = re.compile(r"^Received response\.(?: Status: (\d{3}),)? Integration latency: (\d+(?:\.\d+)?) ms")
_XRAY = re.compile(r"^X-ray Tracing ID ?: (1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24})")
_FAILURE = re.compile(r"\b(?:fail(?:ed|ure)?|errors?|timed out|time-?out)\b", re.IGNORECASE)
_GROUP = re.compile(r"^API-Gateway-Execution-Logs_([A-Za-z0-9]+)(?:/([^/\s]+))?$")
_HEADLINE_CHARS = 200


def _failed(headline: str) -> bool:
    """`_FAILURE.search`, skipped for an ASCII headline lacking fail/error/time, which every match holds."""
    if headline.isascii():
        lowered = headline.lower()
        if "fail" not in lowered and "error" not in lowered and "time" not in lowered:
            return False
    return _FAILURE.search(headline) is not None


def _level(message: str, status: int | None) -> str:
    headline = message[:_HEADLINE_CHARS].partition(":")[0]
    if _failed(headline) or (status is not None and status >= 500):
        return "ERROR"
    if status is not None and status >= 400:
        return "WARN"
    return "INFO"


def parse_execution(line: str) -> Row | None:
    match = _LINE.match(line) if isinstance(line, str) else None
    if not match:
        return None
    message = match.group(2).rstrip()
    if not message:
        return None
    completed = _COMPLETED.search(message)
    status = int(completed.group(1)) if completed else None  # 3 digits: what to_int would read
    level = _level(message, status)
    method = path = latency = trace = None
    if message.startswith("HTTP Method: "):
        request = _REQUEST.match(message)
        method, path = request.groups() if request else (None, None)
    elif message.startswith("Received response."):
        received = _RECEIVED.match(message)
        if received:
            status = int(received.group(1)) if received.group(1) else None
            latency = float(received.group(2))
    elif message.startswith("X-ray Tracing ID"):
        xray = _XRAY.match(message)
        trace = xray.group(1) if xray else None
    request_id = request_id_or_none(match.group(1))
    return ("execution", "apigateway", request_id, level, message, status, method, path, latency, trace)


def api_and_stage_from_group(log_group: str) -> tuple[str | None, str | None]:
    """`API-Gateway-Execution-Logs_a1b2c3d4e5/prod` → ("a1b2c3d4e5", "prod"); other groups → (None, None)."""
    match = _GROUP.match(log_group) if isinstance(log_group, str) else None
    if not match:
        return None, None
    return match.group(1), match.group(2)


EXECUTION_FIELDS = (
    "record_type",
    "source",
    "request_id",
    "level",
    "message",
    "status_code",
    "http_method",
    "resource_path",
    "integration_latency_ms",
    "trace_id",
)

EXECUTION = Format("apigateway_execution", EXECUTION_FIELDS, parse_execution)
