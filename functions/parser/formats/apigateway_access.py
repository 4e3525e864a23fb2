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
import json
import math
import re
from collections.abc import Callable
from json.encoder import encode_basestring as _quote
from typing import Any, TypeGuard, TypeVar

from functions.parser.formats.apigateway_access_text import CSV_MIN_COMMAS, clf_values, csv_values, xml_values
from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import request_id_or_none, to_float, to_int, trace_id_from_header

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

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# A dotted quad already in canonical form (no leading zeros): ipaddress would return it unchanged.
_CANONICAL_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


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


def _is_digits(value: object) -> TypeGuard[str]:
    """An ASCII digit string, which `int`/`float` read exactly like `to_int`/`to_float` do (fast path)."""
    return type(value) is str and value.isascii() and value.isdigit()


def _status(value: object) -> int | None:
    number = int(value) if _is_digits(value) and len(value) == 3 else to_int(value)
    return number if number is not None and 100 <= number <= 599 else None


def _millis(value: object) -> float | None:
    number = float(value) if _is_digits(value) else to_float(value)
    return number if number is not None and math.isfinite(number) and number >= 0 else None


def _length(value: object) -> int | None:
    number = int(value) if _is_digits(value) and len(value) <= 15 else to_int(value)
    return number if number is not None and number >= 0 else None


def ip_or_none(value: object) -> str | None:
    """A valid IPv4/IPv6 address in canonical form; anything else (including zone ids) is None."""
    text = _text(value)
    if text is None or "%" in text:
        return None
    if _CANONICAL_IPV4.fullmatch(text):
        return text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


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
# A column to fill: (row position, its sources, the key when that is its only source, converter).
_Step = tuple[int, tuple[_Source, ...], str | None, _Converter]
# The steps of the heads and of the details, for the columns the line has a source for.
_Plan = tuple[tuple[_Step, ...], tuple[_Step, ...]]
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
            only_key = sources[0][0] if len(sources) == 1 and sources[0][1] is None else None
            steps.append((at, sources, only_key, convert))
    return tuple(steps)


def _plan(values: dict[str, Any]) -> _Plan:
    keys = tuple(values)
    plan = _PLANS.get(keys)
    if plan is None:
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        plan = _PLANS[keys] = _steps(values, _HEADS), _steps(values, _DETAILS)
    return plan


def _take(
    values: dict[str, Any], sources: tuple[_Source, ...], used: set[str], convert: Callable[[Any], _T | None]
) -> _T | None:
    """The first alias whose value converts; its key is marked used so `attributes` skips it."""
    for name, head, tail in sources:
        if head is None:
            value = values[name]
        else:
            inner = values[head]
            value = inner.get(tail) if isinstance(inner, dict) else None
        if value is not None:
            result = convert(value)
            if result is not None:
                used.add(name)
                return result
    return None


def _fill(row: list[Any], values: dict[str, Any], steps: tuple[_Step, ...], used: set[str]) -> None:
    for at, sources, key, convert in steps:
        if key is None:
            row[at] = _take(values, sources, used, convert)
        elif (value := values[key]) is not None and (result := convert(value)) is not None:
            used.add(key)
            row[at] = result


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


def _summary(method: str | None, route: str | None, status: int | None) -> str | None:
    if method is not None and route is not None and status is not None:
        return f"{method} {route} {status}"
    return " ".join(str(part) for part in (method, route, status) if part is not None) or None


def _attributes(values: dict[str, Any], used: set[str]) -> str | None:
    """The keys no column took, minus empty values, as `fields.attributes_json` writes them."""
    rest = {
        k: v
        for k, v in values.items()
        if v is not None and k not in used and not (isinstance(v, str) and v.strip() in _EMPTY)
    }
    if not rest:
        return None
    try:  # all strings, the usual case: what json.dumps writes for them, without building an encoder
        return "{" + ",".join([f"{_quote(k)}:{_quote(v)}" for k, v in rest.items()]) + "}"
    except TypeError:  # a number, a nested object...
        return json.dumps(rest, ensure_ascii=False, separators=(",", ":"), default=str)


def _row(values: dict[str, Any]) -> Row | None:
    heads, details = _plan(values)
    used: set[str] = set()
    row: list[Any] = ["access", "apigateway", *_NO_VALUES]
    _fill(row, values, heads, used)
    route_method, route = _split_route(row[_ROUTE_AT])
    method = row[_METHOD_AT] or route_method
    status = row[_STATUS_AT]
    if row[_ID_AT] is None and (method is None or status is None):
        return None
    row[_LEVEL_AT : _ROUTE_AT + 1] = _level(status), _summary(method, route, status), method, route
    _fill(row, values, details, used)
    row[-1] = _attributes(values, used)
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
