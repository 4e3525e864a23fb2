"""What the report shows, read from the Athena views (through any engine: the local lake or Athena)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from loglake.query_engine import QueryEngine

Row = dict[str, Any]


@dataclass(frozen=True)
class ReportData:
    hours: list[dt.datetime]  # every hour of the period, gaps included
    functions: list[str]
    hourly: dict[tuple[str, dt.datetime], Row]  # (function, hour) → lambda_function_hourly row
    versions: list[Row]  # lambda_version_comparison
    memory: list[Row]  # lambda_memory_rightsizing
    api_hours: dict[dt.datetime, Row]  # hour → API totals of apigw_hourly
    totals: Row  # headline figures
    costs: list[Row]  # per function over the period
    failures: list[Row]  # the latest failed invocations


_TOTALS = """
SELECT
  count(*) AS invocations,
  count_if(status <> 'success') AS failures,
  count_if(cold_start) AS cold_starts,
  approx_percentile(duration_ms, 0.95) AS p95_duration_ms,
  min(event_time) AS first_event,
  max(event_time) AS last_event
FROM lambda_invocations
"""
_API = """
SELECT
  hour_start,
  sum(requests) AS requests,
  sum(status_2xx) AS status_2xx,
  sum(requests) - sum(status_2xx) - sum(status_4xx) - sum(status_5xx) AS status_other,
  sum(status_4xx) - sum(status_429) AS status_4xx_not_429,
  sum(status_429) AS status_429,
  sum(status_5xx) AS status_5xx,
  max(p50_latency_ms) AS p50_latency_ms,
  max(p95_latency_ms) AS p95_latency_ms,
  max(p99_latency_ms) AS p99_latency_ms
FROM apigw_hourly
GROUP BY hour_start
ORDER BY hour_start
"""
_COSTS = """
SELECT function_name, architecture, sum(invocations) AS invocations, sum(gb_seconds) AS gb_seconds,
  sum(compute_usd) AS compute_usd, sum(request_usd) AS request_usd, sum(estimated_usd) AS estimated_usd
FROM lambda_cost_daily
GROUP BY function_name, architecture
ORDER BY estimated_usd DESC, function_name
"""
_FAILURES = """
SELECT event_time, function_name, function_version, request_id, status, error_type,
  coalesce(error_message, message) AS error_message
FROM lambda_errors
WHERE kind = 'failed_invocation'
ORDER BY event_time DESC, request_id
LIMIT 8
"""


def _hour_range(first: dt.datetime | None, last: dt.datetime | None) -> list[dt.datetime]:
    if first is None or last is None:
        return []
    hour = first.replace(minute=0, second=0, microsecond=0)
    hours = []
    while hour <= last:
        hours.append(hour)
        hour += dt.timedelta(hours=1)
    return hours


def load(engine: QueryEngine) -> ReportData:
    hourly = engine.query("SELECT * FROM lambda_function_hourly ORDER BY hour_start, function_name").records()
    api = engine.query(_API).records()
    totals = engine.query(_TOTALS).records()[0]
    stamps = [r["hour_start"] for r in hourly] + [r["hour_start"] for r in api]
    api_totals = engine.query(
        "SELECT count(*) AS requests, count_if(status_code >= 500) AS status_5xx FROM apigw_requests"
    )
    totals |= api_totals.records()[0]
    totals["estimated_usd"] = sum(r["estimated_usd"] or 0 for r in hourly)
    return ReportData(
        hours=_hour_range(min(stamps, default=None), max(stamps, default=None)),
        functions=sorted({r["function_name"] for r in hourly}),
        hourly={(r["function_name"], r["hour_start"]): r for r in hourly},
        versions=engine.query("SELECT * FROM lambda_version_comparison ORDER BY function_name, first_seen").records(),
        memory=engine.query("SELECT * FROM lambda_memory_rightsizing ORDER BY function_name, memory_size_mb").records(),
        api_hours={r["hour_start"]: r for r in api},
        totals=totals,
        costs=engine.query(_COSTS).records(),
        failures=engine.query(_FAILURES).records(),
    )
