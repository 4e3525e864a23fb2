"""`loglake report`: one self-contained HTML page of charts drawn from the Athena views."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from loglake.query_engine import QueryEngine
from loglake.report.data import load
from loglake.report.page import render


def build_report(engine: QueryEngine, source: str, generated: dt.datetime | None = None) -> str:
    """The HTML of the report over everything `engine` sees; `source` names it in the header."""
    return render(load(engine), source, generated or dt.datetime.now(dt.UTC))


def write_report(engine: QueryEngine, source: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_report(engine, source), encoding="utf-8")
    return out
