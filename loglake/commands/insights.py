"""`loglake insights [--lake DIR | --engine athena ...] [--log-group G ...] [--since T] [--until T] QUERY`.

A CloudWatch Logs Insights query, translated into Athena (Trino) SQL over the lake
(loglake/cwlogs_query/insights_sql.py) and run on DuckDB or Athena; `--print-sql` shows the SQL.
"""

from __future__ import annotations

import argparse

from loglake.commands.engines import add_engine_arguments
from loglake.commands.lake_scope import add_scope_arguments, print_or_run, scope_from
from loglake.cwlogs_query.insights_sql import to_sql
from loglake.output import FORMATS, render


def register(parser: argparse.ArgumentParser) -> None:
    add_engine_arguments(parser)
    add_scope_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--print-sql", action="store_true", help="print the SQL instead of running it")
    parser.add_argument("query", help='e.g. fields @timestamp, @message | filter @message like "ERROR" | limit 20')
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    sql = to_sql(args.query, scope_from(args))
    result = print_or_run(args, sql)
    if result is not None:
        print(render(result, args.format))
    return 0
