"""`loglake athena setup`: the database, the lake's tables (`events_objects`, `events_commits`), the views
(`events` first) and the named queries."""

from __future__ import annotations

import argparse

from loglake.athena_setup import run_setup, statements
from loglake.commands.engines import add_athena_arguments, athena_from
from loglake.questions import load_questions
from loglake.views import ordered_views


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    setup = actions.add_parser(
        "setup", help="create the database, the lake's two tables (partition projection), the views and named queries"
    )
    add_athena_arguments(setup, database_required=True)
    setup.add_argument("--location", required=True, help="the lake's events/ prefix, e.g. s3://bucket/lake/events/")
    setup.add_argument(
        "--recreate-table", action="store_true", help="drop and create the two tables (after a schema change)"
    )
    setup.set_defaults(run=run_setup_command)


def run_setup_command(args: argparse.Namespace) -> int:
    planned = statements(args.database, args.location, ordered_views(), recreate_table=args.recreate_table)
    summary = run_setup(athena_from(args), planned, load_questions())
    changed = sum(outcome != "unchanged" for outcome in summary.named_queries.values())
    views = sum(label.startswith("view ") for label in summary.statements)
    print(
        f"Athena is ready: database {args.database}, table events, {views} views, "
        f"{len(summary.named_queries)} named queries ({changed} created or updated)"
    )
    return 0
