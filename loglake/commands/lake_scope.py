"""Arguments shared by `loglake filter`, `metric-filter` and `insights`: which log groups and when."""

from __future__ import annotations

import argparse

from loglake.cwlogs_query.scope import Scope, parse_time


def add_scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-group", action="append", default=[], metavar="G", help="only this log group (repeat for more)"
    )
    parser.add_argument("--since", type=parse_time, metavar="T", help="from this UTC time (2026-11-27T09:00)")
    parser.add_argument("--until", type=parse_time, metavar="T", help="before this UTC time")


def scope_from(args: argparse.Namespace) -> Scope:
    return Scope(tuple(args.log_group), args.since, args.until)
