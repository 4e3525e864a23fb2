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

from collections.abc import Callable
from json.encoder import encode_basestring as _quote
from typing import Any, TypeVar

from functions.parser.formats.apigateway_access_text import CSV_MIN_COMMAS, clf_values, csv_values, xml_values
from functions.parser.formats.apigateway_values import EMPTY as _EMPTY
from functions.parser.formats.apigateway_values import error_text as _error_text
from functions.parser.formats.apigateway_values import ip_or_none
from functions.parser.formats.apigateway_values import length as _length
from functions.parser.formats.apigateway_values import method as _method
from functions.parser.formats.apigateway_values import millis as _millis
from functions.parser.formats.apigateway_values import status as _status
from functions.parser.formats.apigateway_values import text as _text
from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import json_text, request_id_or_none, trace_id_from_header

_T = TypeVar("_T")

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

# --- the shared row builder ----------------------------------------------------------------------

# The order of `_row`'s tuple.
ACCESS_FIELDS = (
    *("record_type", "source", "request_id", "level", "message", "http_method", "resource_path"),
    *("status_code", "latency_ms", "integration_latency_ms", "source_ip", "user_agent", "response_length"),
    *("api_id", "stage", "trace_id", "error_message", "attributes"),
)
_NO_VALUES = (None,) * (len(ACCESS_FIELDS) - 2)
_ID_AT, _LEVEL_AT, _MESSAGE_AT, _METHOD_AT, _ROUTE_AT, _STATUS_AT = range(2, 8)
_Converter = Callable[[Any], Any]


def _columns(*columns: tuple[str, tuple[str, ...], _Converter]) -> tuple[tuple[int, tuple[str, ...], _Converter], ...]:
    return tuple((ACCESS_FIELDS.index(field), names, convert) for field, names, convert in columns)


# What identifies a request, read first: a line without an id, or without a method and a status, is
# rejected before the other columns are read. The route key lands in resource_path until it is split.
_HEADS = _columns(
    ("request_id", _REQUEST_ID, request_id_or_none),
    ("resource_path", _ROUTE, _text),
    ("http_method", _HTTP_METHOD, _method),
    ("status_code", _STATUS, _status),
)
_DETAILS = _columns(
    ("latency_ms", _LATENCY, _millis),
    ("integration_latency_ms", _INTEGRATION_LATENCY, _millis),
    ("source_ip", _SOURCE_IP, ip_or_none),
    ("user_agent", _USER_AGENT, _text),
    ("response_length", _RESPONSE_LENGTH, _length),
    ("api_id", _API_ID, _text),
    ("stage", _STAGE, _text),
    ("trace_id", _TRACE_ID, trace_id_from_header),
    ("error_message", _ERROR, _error_text),
)

# Where a column's value is: (alias, None, "") for a key of the line, (alias, head, tail) for a
# dotted alias read from the nested object `head`.
_Source = tuple[str, str | None, str]
# A column to fill: (row position, its first source when that is a key, its other sources, converter).
_Step = tuple[int, str | None, tuple[_Source, ...], _Converter]
# The steps of the heads and of the details (for the columns the line has a source for), the steps'
# first keys, and the line's other keys in order: the attributes when every first key is taken.
_Plan = tuple[tuple[_Step, ...], tuple[_Step, ...], frozenset[str], tuple[str, ...]]
# Lines of one log format share their keys, so the aliases are resolved once per key tuple.
_PLANS: dict[tuple[Any, ...], _Plan] = {}
_MAX_PLANS = 1024


def _sources(keys: dict[str, Any], names: tuple[str, ...]) -> tuple[_Source, ...]:
    found: list[_Source] = []
    for name in names:
        if name in keys:
            found.append((name, None, ""))
            continue
        head, _, tail = name.partition(".")
        if tail and head in keys:
            found.append((name, head, tail))
    return tuple(found)


def _steps(keys: dict[str, Any], columns: tuple[tuple[int, tuple[str, ...], _Converter], ...]) -> tuple[_Step, ...]:
    steps: list[_Step] = []
    for at, names, convert in columns:
        sources = _sources(keys, names)
        if sources:
            if sources[0][1] is None:  # the first source is a key: read it without a loop
                steps.append((at, sources[0][0], sources[1:], convert))
            else:
                steps.append((at, None, sources, convert))
    return tuple(steps)


def _new_plan(values: dict[str, Any]) -> _Plan:
    """The plan of a key tuple not seen yet (`_row` looks the known ones up itself)."""
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    heads, details = _steps(values, _HEADS), _steps(values, _DETAILS)
    first = frozenset(key for _, key, _, _ in (*heads, *details) if key is not None)
    plan = _PLANS[tuple(values)] = heads, details, first, tuple(k for k in values if k not in first)
    return plan


def _take(
    values: dict[str, Any], sources: tuple[_Source, ...], moved: list[str], convert: Callable[[Any], _T | None]
) -> _T | None:
    """The first alias whose value converts; it joins `moved` (it is not a first key, see `_fill`)."""
    for name, head, tail in sources:
        if head is None:
            value = values[name]
        else:
            inner = values[head]
            value = inner.get(tail) if isinstance(inner, dict) else None
        if value is not None:
            result = convert(value)
            if result is not None:
                moved.append(name)
                return result
    return None


def _fill(row: list[Any], values: dict[str, Any], steps: tuple[_Step, ...], moved: list[str]) -> None:
    """Fill the steps' columns. The plan takes each step's first key for granted: `moved` collects the
    exceptions, first keys not taken and other aliases taken. (A converter returns None for None.)"""
    for at, key, sources, convert in steps:
        if key is not None:
            if (result := convert(values[key])) is not None:
                row[at] = result
                continue
            moved.append(key)
        if sources:
            row[at] = _take(values, sources, moved, convert)


def _split_route(route: str | None) -> tuple[str | None, str | None]:
    """An HTTP API route key `GET /items` → (GET, /items); `$default` or `/items` keep no method."""
    if route is None:
        return None, None
    method, _, path = route.partition(" ")
    if path and method.upper() in _METHODS:
        return method.upper(), path.strip() or None
    return None, route


def _summary(method: str | None, route: str | None, status: int | None) -> str | None:
    """`<method> <route> <status>` without the missing parts (`_row` writes the full one itself)."""
    return " ".join(str(part) for part in (method, route, status) if part is not None) or None


def _attributes(values: dict[str, Any], keys: tuple[str, ...] | list[str]) -> str | None:
    """`keys` (those no column took) minus empty values, as `fields.attributes_json` writes them."""
    kept: list[str] = []
    try:  # all strings, the usual case: what fields.json_text writes for them, without building an encoder
        for k in keys:
            v = values[k]
            if v is not None and not (isinstance(v, str) and v.strip() in _EMPTY):
                kept.append(f"{_quote(k)}:{_quote(v)}")
    except TypeError:  # a number, a nested object...
        rest = {k: v for k in keys if (v := values[k]) is not None and not (isinstance(v, str) and v.strip() in _EMPTY)}
        return json_text(rest)
    return f"{{{','.join(kept)}}}" if kept else None


def _row(values: dict[str, Any]) -> Row | None:
    heads, details, first, others = _PLANS.get(tuple(values)) or _new_plan(values)
    moved: list[str] = []
    row: list[Any] = ["access", "apigateway", *_NO_VALUES]
    _fill(row, values, heads, moved)
    route = row[_ROUTE_AT]
    route_method, route = _split_route(route) if route is not None and " " in route else (None, route)
    method = row[_METHOD_AT] or route_method
    status = row[_STATUS_AT]
    if row[_ID_AT] is None and (method is None or status is None):
        return None
    row[_LEVEL_AT] = "INFO" if status is None or status < 400 else "WARN" if status < 500 else "ERROR"
    if method is not None and route is not None and status is not None:
        row[_MESSAGE_AT] = f"{method} {route} {status}"
    else:
        row[_MESSAGE_AT] = _summary(method, route, status)
    row[_METHOD_AT] = method
    row[_ROUTE_AT] = route
    _fill(row, values, details, moved)
    if moved:  # the keys taken are the first keys, give or take the moved ones
        taken = first.symmetric_difference(moved)
        others = tuple(k for k in values if k not in taken)
    row[-1] = _attributes(values, others)
    return tuple(row)


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


# --- text presets (read into JSON-preset keys by apigateway_access_text) -------------------------


def parse_clf(line: str) -> Row | None:
    values = clf_values(line)
    return _row(values) if values is not None else None


def parse_csv(line: str) -> Row | None:
    values = csv_values(line)
    return _row(values) if values is not None else None


def parse_xml(line: str) -> Row | None:
    values = xml_values(line)
    return _row(values) if values is not None else None


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
    if line.count(",") >= CSV_MIN_COMMAS:
        return ACCESS_CSV
    return None
