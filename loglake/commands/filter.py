"""`loglake filter [--lake DIR | --engine athena ...] [--log-group G ...] [--count] PATTERN`.

The events a CloudWatch Logs filter pattern matches (terms, JSON and space-delimited patterns),
with CloudWatch's semantics (loglake/cwlogs_query/filter_eval.py); the pattern runs as SQL.
"""

from __future__ import annotations

import argparse

from loglake.commands.engines import add_engine_arguments
from loglake.commands.lake_scope import add_scope_arguments, print_or_run, scope_from
from loglake.cwlogs_query.filter_parser import parse_filter_pattern
from loglake.cwlogs_query.filter_sql import to_sql
from loglake.cwlogs_query.scope import Scope
from loglake.output import FORMATS, render


def register(parser: argparse.ArgumentParser) -> None:
    add_engine_arguments(parser)
    add_scope_arguments(parser)
    parser.add_argument("--count", action="store_true", help="print the number of matching events only")
    parser.add_argument("--limit", type=int, help="at most this many events (the oldest first)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--print-sql", action="store_true", help="print the SQL instead of running it")
    parser.add_argument("pattern", help='a filter pattern: ERROR -Exiting, { $.level = "ERROR" }, [ip, ..., code = 5*]')
    parser.set_defaults(run=run)


def filter_sql(pattern: str, scope: Scope, *, count: bool = False, limit: int | None = None) -> str:
    """The Athena SQL of `loglake filter`; raises QuerySyntaxError for a malformed pattern."""
    where = scope.where(to_sql(parse_filter_pattern(pattern)))
    if count:
        return f"SELECT count(*) AS matches FROM events WHERE {where}"
    sql = (
        'SELECT event_time AS "timestamp", log_group, log_stream, raw AS message '
        f"FROM events WHERE {where} ORDER BY event_time, event_id"
    )
    return sql + (f" LIMIT {limit}" if limit is not None else "")


def run(args: argparse.Namespace) -> int:
    sql = filter_sql(args.pattern, scope_from(args), count=args.count, limit=args.limit)
    result = print_or_run(args, sql)
    if result is not None:
        print(result.rows[0][0] if args.count else render(result, args.format))
    return 0
