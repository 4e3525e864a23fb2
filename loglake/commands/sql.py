"""`loglake sql --lake DIR [--format table|csv|json] QUERY`: Athena SQL over the local lake."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loglake.engine import LocalEngine, QueryError
from loglake.output import FORMATS, render


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("sql", help="run an Athena (Trino) SQL query on the local lake with DuckDB")
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder written by `loglake ingest`")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("query", help="one SQL statement; tables: events, and every view in infra/athena/views")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = LocalEngine(args.lake).query(args.query)
    except QueryError as exc:
        print(f"loglake sql: {exc}", file=sys.stderr)
        return 2
    print(render(result, args.format))
    return 0
