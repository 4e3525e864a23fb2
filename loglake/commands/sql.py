"""`loglake sql [--lake DIR | --engine athena --database D ...] [--format table|csv|json] QUERY`.

The same Athena (Trino) SQL runs on the local lake with DuckDB or on Athena itself. Read-only by
default: one query (SELECT, WITH … SELECT, VALUES) and, locally, no file outside the lake;
`--unsafe-allow-writes` runs any statement (DDL, INSERT, COPY, UNLOAD…) with full DuckDB access.
"""

from __future__ import annotations

import argparse

from loglake.commands.engines import add_engine_arguments, open_engine
from loglake.output import FORMATS, render
from loglake.query_engine import UNSAFE_FLAG


def register(parser: argparse.ArgumentParser) -> None:
    add_engine_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        UNSAFE_FLAG,
        action="store_true",
        help="run any statement, not only read-only queries (DDL, INSERT, COPY, UNLOAD; local files outside the lake)",
    )
    parser.add_argument("query", help="one SQL statement; tables: events, and every view in loglake/sql/views")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = open_engine(args).query(args.query)
    print(render(result, args.format))
    return 0
