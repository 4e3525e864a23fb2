"""The positional text presets of API Gateway access logs (CLF, CSV, XML), read into JSON-preset keys.

Each reader turns one line into the dict the JSON preset would have logged (`ip`, `requestTime`,
`httpMethod`...), or None when the line does not have the preset's shape; `apigateway_access` builds
the row from that dict exactly as for a JSON line. CLF/CSV lines whose status is not a number are
rejected here, since their columns would be misaligned.
"""

from __future__ import annotations

import re
from typing import Any


def _is_status_token(token: str) -> bool:
    r"""`^(?:\d{3}|-)$` on a stripped token: `\d` is any Unicode Nd digit, as `isdecimal` reads them."""
    return token == "-" or (len(token) == 3 and token.isdecimal())


# [extendedRequestId] ip caller user [time]"request" status length requestId [extendedRequestId]
_CLF = re.compile(r'^(?:(\S+) )?(\S+) (\S+) (\S+) \[([^\]]*)\] ?"([^"]*)" (\S+) (\S+) (\S+)(?: (\S+))?$')


def _split_request(request: str) -> tuple[str | None, str | None, str | None]:
    """`GET /items HTTP/1.1` → (GET, /items, HTTP/1.1); HTTP APIs quote the route key in the middle."""
    parts = request.split()
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if not parts:
        return None, None, None
    if len(parts) < 3:
        return parts[0], parts[1] if len(parts) == 2 else None, None
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def clf_values(line: str) -> dict[str, Any] | None:
    match = _CLF.match(line.strip()) if isinstance(line, str) else None
    if not match:
        return None
    lead_id, ip, caller, user, time, request, status, length, request_id, tail_id = match.groups()
    if not _is_status_token(status):
        return None
    method, route, protocol = _split_request(request)
    return {
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
# The fewest commas a CSV preset line has (the HTTP API layout).
CSV_MIN_COMMAS = len(_CSV_HTTP) - 1


def csv_values(line: str) -> dict[str, Any] | None:
    if not isinstance(line, str):
        return None
    cells = line.strip().split(",")
    layout = _CSV_LAYOUTS.get(len(cells))
    if layout is None:
        return None
    values = dict(zip(layout, map(str.strip, cells), strict=True))
    return values if _is_status_token(values["status"]) else None


_XML = re.compile(r'^<request id="([^"]*)">(.*)</request>$', re.DOTALL)
_XML_ELEMENT = re.compile(r"<([A-Za-z_][\w.-]*)>([^<]*)</\1>")


def xml_values(line: str) -> dict[str, Any] | None:
    match = _XML.match(line.strip()) if isinstance(line, str) else None
    if not match:
        return None
    request_id, body = match.groups()
    values: dict[str, Any] = {"requestId": request_id}
    values.update(_XML_ELEMENT.findall(body))
    return values
