"""The report page: one self-contained HTML file (inline CSS, SVG and script; nothing fetched when opened)."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from loglake.report import svg
from loglake.report.data import ReportData, Row
from loglake.resources import package_dir

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7")
PERCENTILES = (("p50", "#9ecae1"), ("p95", "#4292c6"), ("p99", "#08306b"))
_ASSETS = package_dir("report")


def _column(data: ReportData, function: str, key: str, scale: float = 1.0) -> list[float | None]:
    out: list[float | None] = []
    for hour in data.hours:
        value = data.hourly.get((function, hour), {}).get(key)
        out.append(None if value is None else float(value) * scale)
    return out


def _sum_column(data: ReportData, key: str) -> list[float | None]:
    return [float(sum(data.hourly.get((f, h), {}).get(key) or 0 for f in data.functions)) for h in data.hours]


def _card(title: str, note: str, chart: str, wide: bool = False) -> str:
    return (
        f'<section class="card{" wide" if wide else ""}"><h3>{escape(title)}</h3>'
        f'<p class="note">{escape(note)}</p>{chart}</section>'
    )


def duration_cards(data: ReportData) -> list[str]:
    cards = []
    for function in data.functions:
        series = [svg.Series(p, color, _column(data, function, f"{p}_duration_ms")) for p, color in PERCENTILES]
        chart = svg.line_chart(f"{function} duration", data.hours, series, unit=" ms", log=True)
        cards.append(_card(f"{function}: duration p50 / p95 / p99", "per hour, ms (log scale)", chart))
    return cards


def reliability_cards(data: ReportData) -> list[str]:
    failures = [
        svg.Series("errors", "#e15759", _sum_column(data, "errors")),
        svg.Series("timeouts", "#f28e2b", _sum_column(data, "timeouts")),
    ]
    colors = dict(zip(data.functions, PALETTE * 4, strict=False))
    cold = [svg.Series(f, colors[f], _column(data, f, "cold_start_rate", 100)) for f in data.functions]
    return [
        _card(
            "Errors and timeouts",
            "failed invocations per hour, all functions",
            svg.stacked_bars("failures", data.hours, failures),
        ),
        _card(
            "Cold-start rate",
            "share of invocations that started cold, per hour",
            svg.line_chart("cold starts", data.hours, cold, unit=" %"),
        ),
    ]


def memory_card(data: ReportData) -> str:
    rows = [
        svg.MemoryRow(
            f"{r['function_name']} ({r['memory_size_mb']} MB)" if _repeated(data.memory, r) else r["function_name"],
            float(r["memory_size_mb"]),
            float(r["avg_used_mb"]),
            float(r["p99_used_mb"]),
            float(r["max_used_mb"]),
            float(r["suggested_memory_mb"]),
        )
        for r in data.memory
    ]
    note = "configured memory (track) vs memory used; dashed: the suggested size (p99 + 30 %)"
    return _card("Memory utilization", note, svg.memory_chart("memory", rows), wide=True)


def _repeated(rows: list[Row], row: Row) -> bool:
    return sum(bool(r["function_name"] == row["function_name"]) for r in rows) > 1


def deploy_cards(data: ReportData) -> list[str]:
    by_function: dict[str, list[Row]] = {}
    for row in data.versions:
        by_function.setdefault(row["function_name"], []).append(row)
    cards = []
    for function, rows in by_function.items():
        if len(rows) < 2:
            continue
        versions = [f"v{r['function_version']}" for r in rows]
        series = [
            svg.Series("avg", "#9ecae1", [r["avg_duration_ms"] for r in rows]),
            svg.Series("p95", "#4292c6", [r["p95_duration_ms"] for r in rows]),
        ]
        last = rows[-1]
        change = last["avg_duration_change_pct"]
        note = (
            f"v{last['function_version']} vs v{last['previous_version']}: average {change:+.1f} %, "
            f"failures {100 * last['error_rate']:.2f} % (was {100 * rows[-2]['error_rate']:.2f} %)"
        )
        chart = svg.grouped_bars(f"{function} deploy", versions, series, unit=" ms")
        cards.append(_card(f"{function}: before / after deploy", note, chart))
    if not cards:
        cards.append(
            _card("Deploys", "one version per function in this period", svg.empty_chart("deploys", "no deploy"))
        )
    return cards


def api_cards(data: ReportData) -> list[str]:
    def values(key: str) -> list[float | None]:
        return [None if (v := data.api_hours.get(h, {}).get(key)) is None else float(v) for h in data.hours]

    classes = [
        svg.Series("2xx", "#59a14f", values("status_2xx")),
        svg.Series("other", "#bab0ac", values("status_other")),
        svg.Series("4xx", "#edc948", values("status_4xx_not_429")),
        svg.Series("429 throttled", "#f28e2b", values("status_429")),
        svg.Series("5xx", "#e15759", values("status_5xx")),
    ]
    latency = [svg.Series(p, color, values(f"{p}_latency_ms")) for p, color in PERCENTILES]
    return [
        _card("API status classes", "requests per hour by status", svg.stacked_bars("api status", data.hours, classes)),
        _card(
            "API latency",
            "p50 / p95 / p99 per hour, ms (log scale; only access log formats with $context.responseLatency)",
            svg.line_chart("api latency", data.hours, latency, unit=" ms", log=True),
        ),
    ]


def _table(rows: list[Row], columns: list[tuple[str, str]]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for _, label in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(_text(r.get(k)))}</td>" for k, _ in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.1f}"
    return "" if value is None else str(value)


def _tiles(data: ReportData) -> str:
    t = data.totals
    invocations = t["invocations"] or 0
    tiles = [
        ("invocations", f"{invocations:,}"),
        ("failed", f"{100 * (t['failures'] or 0) / max(1, invocations):.2f} %"),
        ("p95 duration", f"{svg.fmt(t['p95_duration_ms'] or 0)} ms"),
        ("cold starts", f"{t['cold_starts'] or 0:,}"),
        ("estimated cost", f"{t['estimated_usd']:.4f} USD"),
        ("API requests", f"{t['requests'] or 0:,}"),
        ("API 5xx", f"{100 * (t['status_5xx'] or 0) / max(1, t['requests'] or 0):.2f} %"),
    ]
    return "".join(f'<div class="tile"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in tiles)


def render(data: ReportData, source: str, generated: dt.datetime) -> str:
    period = f"{_text(data.totals['first_event'])} to {_text(data.totals['last_event'])} UTC"
    sections = [
        ("Duration", duration_cards(data)),
        ("Errors, timeouts and cold starts", reliability_cards(data)),
        ("Memory", [memory_card(data)]),
        ("Deploys", deploy_cards(data)),
        ("API Gateway", api_cards(data)),
    ]
    body = "".join(f'<h2>{escape(t)}</h2><div class="grid">{"".join(cards)}</div>' for t, cards in sections)
    cost_columns = [("function_name", "function"), ("architecture", "arch"), ("invocations", "invocations")]
    cost_columns += [("gb_seconds", "GB-s"), ("compute_usd", "compute USD"), ("request_usd", "request USD")]
    cost_columns.append(("estimated_usd", "estimated USD"))
    failure_columns = [("event_time", "time"), ("function_name", "function"), ("function_version", "version")]
    failure_columns += [
        ("status", "status"),
        ("error_type", "error"),
        ("error_message", "message"),
        ("request_id", "request id"),
    ]
    body += f'<h2>Cost</h2><div class="card wide">{_table(data.costs, cost_columns)}</div>'
    body += f'<h2>Latest failures</h2><div class="card wide">{_table(data.failures, failure_columns)}</div>'
    template = (_ASSETS / "template.html").read_text(encoding="utf-8")
    return (
        template.replace("{{css}}", (_ASSETS / "report.css").read_text(encoding="utf-8"))
        .replace("{{script}}", (_ASSETS / "report.js").read_text(encoding="utf-8"))
        .replace("{{source}}", escape(source))
        .replace("{{period}}", escape(period))
        .replace("{{generated}}", f"{generated:%Y-%m-%d %H:%M} UTC")
        .replace("{{tiles}}", _tiles(data))
        .replace("{{body}}", body)
    )
