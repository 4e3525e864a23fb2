"""What `loglake filter`, `metric-filter` and `insights` share: which log groups and when, and how the SQL
they translate is printed (`--print-sql`) or run."""

from __future__ import annotations

import argparse

from loglake.commands.engines import open_engine
from loglake.cwlogs_query.scope import Scope, parse_time
from loglake.query_engine import Result


def add_scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-group", action="append", default=[], metavar="G", help="only this log group (repeat for more)"
    )
    parser.add_argument("--since", type=parse_time, metavar="T", help="from this UTC time (2026-11-27T09:00)")
    parser.add_argument("--until", type=parse_time, metavar="T", help="before this UTC time")


def scope_from(args: argparse.Namespace) -> Scope:
    return Scope(tuple(args.log_group), args.since, args.until)


def print_or_run(args: argparse.Namespace, sql: str) -> Result | None:
    """With `--print-sql`, print the translated SQL and return None; otherwise run it on the chosen engine."""
    if args.print_sql:
        print(sql)
        return None
    return open_engine(args).query(sql)
