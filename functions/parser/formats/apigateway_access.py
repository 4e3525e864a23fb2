"""API Gateway access logs: the console presets (CLF, JSON, XML, CSV) and custom JSON formats.

REST and HTTP API presets differ: REST logs `caller`, `user` and `resourcePath`; HTTP APIs log the
`routeKey` ("GET /items", "$default") instead, and their CLF preset puts it inside the request quote
(`"GET GET /items HTTP/1.1"`). Newer console presets append `$context.extendedRequestId`.

Every variant becomes one dict keyed like the JSON preset (`ip`, `requestTime`, `httpMethod`...) and
goes through one row builder, so a column means the same thing whatever the preset:
- `message` is a short summary, `<method> <route> <status>` (e.g. `GET /items 200`); `raw` keeps the line.
- `level` comes from the status: 5xx → ERROR, 4xx → WARN, anything else → INFO.
- Values are strings in the log and `-` means empty; numbers become numbers, and `source_ip` is set
  only when it is a real IPv4/IPv6 address (it maps to an OpenSearch `ip` field).
- `attributes` holds, under their original names, the keys that no column took — including a value
  a column rejected (an `ip` of `test-invoke-source-ip`, a non-numeric `status`) — minus empty ones.

Text presets are positional, so a CLF/CSV line whose status is not a number is rejected (its columns
are misaligned); in JSON and XML the keys are named, so a bad value only leaves its column empty.
A line with neither a request id nor a method and status is not an access log: parse returns None.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import (
    attributes_json,
    request_id_or_none,
    to_float,
    to_int,
    trace_id_from_header,
)

_T = TypeVar("_T")

_EMPTY = frozenset({"", "-"})
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "ANY"})

# Column ← the keys it is read from, first present and valid wins. A dotted name also matches a
# nested object ({"error": {"message": ...}}); nested objects themselves stay in `attributes`.
_REQUEST_ID = ("requestId", "request_id", "extendedRequestId", "extended_request_id")
_HTTP_METHOD = ("httpMethod", "http_method", "method")
_ROUTE = ("routeKey", "route_key", "resourcePath", "resource_path")
_STATUS = ("status", "statusCode", "status_code", "httpStatus")
_LATENCY = ("responseLatency", "response_latency", "latency")
_INTEGRATION_LATENCY = ("integrationLatency", "integration_latency", "integration.latency")
_SOURCE_IP = ("ip", "sourceIp", "source_ip", "clientIp", "identity.sourceIp")
_USER_AGENT = ("userAgent", "user_agent", "user-agent", "identity.userAgent")
_RESPONSE_LENGTH = ("responseLength", "response_length")
_API_ID = ("apiId", "api_id")
_STAGE = ("stage",)
_TRACE_ID = ("xrayTraceId", "xray_trace_id", "traceId", "trace_id")
# The gateway's own error first, then the integration's.
_GATEWAY_ERROR = ("errorMessage", "error_message", "error.message", "error")
_ERROR = (*_GATEWAY_ERROR, "integrationErrorMessage", "integration.error")

_ACCESS_KEYS = frozenset({"httpMethod", "http_method", *_ROUTE})
_APP_LOG_KEYS = frozenset({"level", "levelname", "log_level", "logLevel", "severity"})


# --- value converters: each returns None for an empty or invalid value --------------------------


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value in _EMPTY else value


def _error_text(value: object) -> str | None:
    """`$context.error.messageString` arrives quoted; strip the quotes."""
    text = _text(value)
    return _text(text.strip('"')) if text else None


def _method(value: object) -> str | None:
    text = _text(value)
    return text.upper() if text else None


def _status(value: object) -> int | None:
    number = to_int(value)
    return number if number is not None and 100 <= number <= 599 else None


def _millis(value: object) -> float | None:
    number = to_float(value)
    return number if number is not None and math.isfinite(number) and number >= 0 else None


def _length(value: object) -> int | None:
    number = to_int(value)
    return number if number is not None and number >= 0 else None


def ip_or_none(value: object) -> str | None:
    """A valid IPv4/IPv6 address in canonical form; anything else (including zone ids) is None."""
    text = _text(value)
    if text is None or "%" in text:
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


# --- the shared row builder ----------------------------------------------------------------------


def _lookup(values: dict[str, Any], name: str) -> Any:
    if name in values:
        return values[name]
    head, _, tail = name.partition(".")
    inner = values.get(head) if tail else None
    return inner.get(tail) if isinstance(inner, dict) else None


def _take(
    values: dict[str, Any], names: tuple[str, ...], used: set[str], convert: Callable[[Any], _T | None]
) -> _T | None:
    """The first alias whose value converts; its key is marked used so `attributes` skips it."""
    for name in names:
        value = _lookup(values, name)
        if value is None:
            continue
        result = convert(value)
        if result is not None:
            used.add(name)
            return result
    return None


def _split_route(route: str | None) -> tuple[str | None, str | None]:
    """An HTTP API route key `GET /items` → (GET, /items); `$default` or `/items` keep no method."""
    if route is None:
        return None, None
    method, _, path = route.partition(" ")
    if path and method.upper() in _METHODS:
        return method.upper(), path.strip() or None
    return None, route


def _level(status: int | None) -> str:
    if status is not None and status >= 500:
        return "ERROR"
    if status is not None and status >= 400:
        return "WARN"
    return "INFO"


def _is_present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip() in _EMPTY)


def _row(values: dict[str, Any]) -> Row | None:
    used: set[str] = set()
    request_id = _take(values, _REQUEST_ID, used, request_id_or_none)
    route_method, route = _split_route(_take(values, _ROUTE, used, _text))
    method = _take(values, _HTTP_METHOD, used, _method) or route_method
    status = _take(values, _STATUS, used, _status)
    if request_id is None and (method is None or status is None):
        return None
    summary = " ".join(str(part) for part in (method, route, status) if part is not None) or None
    return (
        "access",
        "apigateway",
        request_id,
        _level(status),
        summary,
        method,
        route,
        status,
        _take(values, _LATENCY, used, _millis),
        _take(values, _INTEGRATION_LATENCY, used, _millis),
        _take(values, _SOURCE_IP, used, ip_or_none),
        _take(values, _USER_AGENT, used, _text),
        _take(values, _RESPONSE_LENGTH, used, _length),
        _take(values, _API_ID, used, _text),
        _take(values, _STAGE, used, _text),
        _take(values, _TRACE_ID, used, trace_id_from_header),
        _take(values, _ERROR, used, _error_text),
        attributes_json({k: v for k, v in values.items() if _is_present(v)}, frozenset(used)),
    )


# --- JSON (already decoded by the router) ---------------------------------------------------------


def looks_like_access(obj: dict[str, Any]) -> bool:
    """True for a decoded JSON line that an API Gateway access log format produced.

    An access log names the route (httpMethod / routeKey / resourcePath), or at least carries a
    request id with a status and a request time or IP. Lines with a log level are application logs.
    """
    if not isinstance(obj, dict) or not _APP_LOG_KEYS.isdisjoint(obj):
        return False
    if not _ACCESS_KEYS.isdisjoint(obj):
        return True
    has_id = "requestId" in obj or "request_id" in obj or "extendedRequestId" in obj
    return has_id and "status" in obj and ("requestTime" in obj or "ip" in obj)


def parse_json(obj: dict[str, Any]) -> Row | None:
    return _row(obj) if isinstance(obj, dict) else None


# --- text presets ---------------------------------------------------------------------------------

_STATUS_TOKEN = re.compile(r"^(?:\d{3}|-)$")

# [extendedRequestId] ip caller user [time]"request" status length requestId [extendedRequestId]
_CLF = re.compile(r'^(?:(\S+) )?(\S+) (\S+) (\S+) \[([^\]]*)\] ?"([^"]*)" (\S+) (\S+) (\S+)(?: (\S+))?$')


def _split_request(request: str) -> tuple[str | None, str | None, str | None]:
    """`GET /items HTTP/1.1` → (GET, /items, HTTP/1.1); HTTP APIs quote the route key in the middle."""
    parts = request.split()
    if not parts:
        return None, None, None
    if len(parts) < 3:
        return parts[0], parts[1] if len(parts) == 2 else None, None
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def parse_clf(line: str) -> Row | None:
    match = _CLF.match(line.strip()) if isinstance(line, str) else None
    if not match:
        return None
    lead_id, ip, caller, user, time, request, status, length, request_id, tail_id = match.groups()
    if not _STATUS_TOKEN.match(status):
        return None
    method, route, protocol = _split_request(request)
    values = {
        "requestId": request_id,
        "extendedRequestId": lead_id or tail_id,
        "ip": ip,
        "caller": caller,
        "user": user,
        "requestTime": time,
        "httpMethod": method,
        "resourcePath": route,
        "protocol": protocol,
        "status": status,
        "responseLength": length,
    }
    return _row(values)


_CSV_TAIL = ("protocol", "status", "responseLength", "requestId")
_CSV_REST = ("ip", "caller", "user", "requestTime", "httpMethod", "resourcePath", *_CSV_TAIL)
_CSV_HTTP = ("ip", "requestTime", "httpMethod", "routeKey", *_CSV_TAIL)
# The number of cells tells the preset apart: REST 10 (+1 extended id), HTTP API 8 (+1).
_CSV_LAYOUTS = {
    len(_CSV_REST): _CSV_REST,
    len(_CSV_REST) + 1: (*_CSV_REST, "extendedRequestId"),
    len(_CSV_HTTP): _CSV_HTTP,
    len(_CSV_HTTP) + 1: (*_CSV_HTTP, "extendedRequestId"),
}


def parse_csv(line: str) -> Row | None:
    if not isinstance(line, str):
        return None
    cells = line.strip().split(",")
    layout = _CSV_LAYOUTS.get(len(cells))
    if layout is None:
        return None
    values = dict(zip(layout, (cell.strip() for cell in cells), strict=True))
    if not _STATUS_TOKEN.match(values["status"]):
        return None
    return _row(values)


_XML = re.compile(r'^<request id="([^"]*)">(.*)</request>$', re.DOTALL)
_XML_ELEMENT = re.compile(r"<([A-Za-z_][\w.-]*)>([^<]*)</\1>")


def parse_xml(line: str) -> Row | None:
    match = _XML.match(line.strip()) if isinstance(line, str) else None
    if not match:
        return None
    values: dict[str, Any] = {"requestId": match.group(1)}
    values.update(_XML_ELEMENT.findall(match.group(2)))
    return _row(values)


# The order of `_row`'s tuple.
ACCESS_FIELDS = (
    *("record_type", "source", "request_id", "level", "message", "http_method", "resource_path"),
    *("status_code", "latency_ms", "integration_latency_ms", "source_ip", "user_agent", "response_length"),
    *("api_id", "stage", "trace_id", "error_message", "attributes"),
)

ACCESS_JSON = Format("apigateway_access_json", ACCESS_FIELDS, parse_json)
ACCESS_CLF = Format("apigateway_access_clf", ACCESS_FIELDS, parse_clf)
ACCESS_CSV = Format("apigateway_access_csv", ACCESS_FIELDS, parse_csv)
ACCESS_XML = Format("apigateway_access_xml", ACCESS_FIELDS, parse_xml)


def text_format_for(line: str) -> Format | None:
    """Cheaply pick the text preset of a non-JSON line: XML, CLF or CSV (None for anything else)."""
    if not isinstance(line, str):
        return None
    stripped = line.lstrip()
    head = stripped[:1]
    if head == "<":
        return ACCESS_XML if stripped.startswith("<request ") else None
    if head in ("{", ""):
        return None
    if '"' in line and ("] " in line or ']"' in line):
        return ACCESS_CLF
    if line.count(",") >= len(_CSV_HTTP) - 1:
        return ACCESS_CSV
    return None
