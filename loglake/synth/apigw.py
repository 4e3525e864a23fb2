"""The REST API (stage `prod`) in front of orders-api: requests, access logs and execution logs.

The access log format of the stage changes during the day, so every console preset appears:
CLF, JSON, CSV and XML for 15 % of the window each, then a custom JSON with latencies.
"""

from __future__ import annotations

import math
from random import Random

from functions.sinks.keys import DAY_MS, HOUR_MS
from loglake.synth.lines import ACCESS_FORMATS, Line, access_line, execution_lines
from loglake.synth.truth import ApiRequest, Invocation

API_FUNCTION = "orders-api"
STAGE = "prod"
ACCESS_GROUP = f"/aws/apigateway/{API_FUNCTION}/{STAGE}/access"
_FORMAT_ENDS = (0.15, 0.30, 0.45, 0.60, 1.0)  # fraction of the window where each preset stops
_ROUTES = (
    ("GET", "/orders/{orderId}"),
    ("POST", "/orders"),
    ("GET", "/orders"),
    ("DELETE", "/orders/{orderId}"),
)
_ROUTE_WEIGHTS = (55, 30, 10, 5)
_OK = {"GET": 200, "POST": 201, "DELETE": 204}
_ERROR_BODY = {400: 58, 403: 23, 404: 41, 429: 31, 500: 36, 502: 36}
_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "okhttp/4.12.0",
    "python-requests/2.32.3",
    "curl/8.5.0",
)

MINUTE_MS = 60_000
Call = tuple[int, Invocation]  # (when the invocation was requested, the invocation)


def simulate_api(
    rng: Random,
    api_id: str,
    calls: list[Call],
    window: tuple[int, int],
    buckets: dict[tuple[str, str], list[Line]],
) -> list[ApiRequest]:
    """One request per orders-api invocation, plus rejected ones (429 near the peak, 403).

    `window` is (start ms, length ms); log lines go to `buckets` keyed by (log group, log stream).
    """
    clients = [(_ip(rng), rng.choice(_AGENTS)) for _ in range(150)]
    streams = [f"{rng.getrandbits(128):032x}" for _ in range(2 * len(ACCESS_FORMATS))]
    execution_group = f"API-Gateway-Execution-Logs_{api_id}/{STAGE}"
    requests: list[ApiRequest] = []
    for arrival, inv in calls:
        received = arrival - rng.randint(3, 12)
        index = _format_index(received, window)
        for req in _requests(rng, api_id, (received, arrival), inv, (clients, ACCESS_FORMATS[index])):
            requests.append(req)
            buckets.setdefault((ACCESS_GROUP, streams[index]), []).append(access_line(req))
            if req.status_code >= 400 or rng.random() < 0.03:
                integrated = req.integration_latency_ms > 0
                error = "Task timed out" if inv.status == "timeout" else inv.error_type
                lines = execution_lines(req, inv.request_id if integrated else None, error)
                buckets.setdefault((execution_group, streams[len(ACCESS_FORMATS) + index]), []).extend(lines)
    requests.sort(key=lambda req: (req.time_ms, req.request_id))
    return requests


def _requests(
    rng: Random,
    api_id: str,
    times: tuple[int, int],
    inv: Invocation,
    audience: tuple[list[tuple[str, str]], str],
) -> list[ApiRequest]:
    """The request that invoked `inv`, and maybe one rejected around the same time.

    `times` is (received by API Gateway, invocation requested); `audience` is (clients, access format).
    """
    clients, fmt = audience
    client = rng.choice(clients)
    made = [_integrated(rng, api_id=api_id, times=times, inv=inv, client=client, access_format=fmt)]
    rejected = _rejected_status(rng, times[0])
    if rejected is not None:
        when, client = times[0] + rng.randint(1, 900), rng.choice(clients)
        made.append(_rejected(rng, api_id=api_id, received=when, status=rejected, client=client, access_format=fmt))
    return made


def diurnal(ms: int) -> float:
    """Traffic factor of the UTC time of day: 0.4 at 02:00, 1.6 at 14:00, 1.0 on average."""
    return 1 + 0.6 * math.sin(2 * math.pi * ((ms % DAY_MS) / HOUR_MS - 8) / 24)


def _format_index(ms: int, window: tuple[int, int]) -> int:
    start, length = window
    fraction = (ms - start) / length
    return next((i for i, end in enumerate(_FORMAT_ENDS) if fraction < end), len(_FORMAT_ENDS) - 1)


def _ip(rng: Random) -> str:
    if rng.random() < 0.1:
        return f"2001:db8:{rng.getrandbits(16):x}::{rng.getrandbits(16):x}"
    return f"{rng.choice((81, 93, 176, 203))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _rejected_status(rng: Random, ms: int) -> int | None:
    """429 throttles only near the daily peak (up to 4 % of requests), 403 for 0.6 % of the time."""
    throttle = 0.04 * max(0.0, diurnal(ms) - 1.2) / 0.4
    r = rng.random()
    return 429 if r < throttle else 403 if r < throttle + 0.006 else None


def _status(rng: Random, inv: Invocation, method: str, path: str) -> int:
    if inv.status != "success":
        return 502
    r = rng.random()
    if r < 0.03:
        return 400
    if r < 0.05 and method == "GET" and path.endswith("}"):
        return 404
    return 500 if r > 0.997 else _OK[method]


def _integrated(
    rng: Random,
    *,
    api_id: str,
    times: tuple[int, int],
    inv: Invocation,
    client: tuple[str, str],
    access_format: str,
) -> ApiRequest:
    """A request proxied to orders-api; `times` is (received by API Gateway, invocation requested)."""
    received, arrival = times
    method, path = rng.choices(_ROUTES, _ROUTE_WEIGHTS)[0]
    status = _status(rng, inv, method, path)
    integration = float(inv.end_ms - arrival + rng.randint(1, 4))
    if status == 200:
        size = rng.randint(180, 4200)
    elif status == 201:
        size = rng.randint(90, 160)
    else:
        size = 0 if status == 204 else _ERROR_BODY[status]
    return ApiRequest(
        api_id=api_id,
        stage=STAGE,
        request_id=_request_id(rng),
        time_ms=received,
        http_method=method,
        resource_path=path,
        status_code=status,
        latency_ms=integration + (arrival - received) + rng.randint(2, 9),
        integration_latency_ms=integration,
        source_ip=client[0],
        user_agent=client[1],
        response_length=size,
        access_format=access_format,
    )


def _rejected(
    rng: Random, *, api_id: str, received: int, status: int, client: tuple[str, str], access_format: str
) -> ApiRequest:
    method, path = rng.choices(_ROUTES, _ROUTE_WEIGHTS)[0]
    return ApiRequest(
        api_id=api_id,
        stage=STAGE,
        request_id=_request_id(rng),
        time_ms=received,
        http_method=method,
        resource_path=path,
        status_code=status,
        latency_ms=float(rng.randint(1, 6)),
        integration_latency_ms=0.0,
        source_ip=client[0],
        user_agent=client[1],
        response_length=_ERROR_BODY[status],
        access_format=access_format,
    )


def _request_id(rng: Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
