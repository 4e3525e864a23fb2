"""Render query results as an aligned text table, CSV or JSON (an array of row objects)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
from typing import Any

from loglake.query_engine import Result

FORMATS = ("table", "csv", "json")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="milliseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        if 0 < abs(value) < 0.001:  # small amounts (USD per invocation...) keep 3 significant digits
            return f"{value:.{2 - math.floor(math.log10(abs(value)))}f}".rstrip("0")
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else f"{value:.6g}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\n", "⏎")


def as_table(result: Result, max_width: int = 60, max_rows: int | None = None) -> str:
    """An aligned text table; with `max_rows`, only the first rows and a count of the others."""
    rows = result.rows if max_rows is None else result.rows[:max_rows]
    cells = [[_cell(v)[:max_width] for v in row] for row in rows]
    widths = [len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        all(isinstance(_plain(r[i]), int | float) or r[i] is None for r in result.rows) for i in range(len(widths))
    ]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(result.columns), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    hidden = f", {len(result.rows) - len(rows)} more not shown" if len(rows) < len(result.rows) else ""
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}{hidden})")
    return "\n".join(out)


def as_csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[_plain(v) for v in row] for row in result.rows])
    return buffer.getvalue().rstrip("\n")


def as_json(result: Result) -> str:
    rows = [{k: _plain(v) for k, v in record.items()} for record in result.records()]
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str)


def render(result: Result, fmt: str) -> str:
    return {"table": as_table, "csv": as_csv, "json": as_json}[fmt](result)
