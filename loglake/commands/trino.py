"""`loglake trino fetch|node|setup|sync`: a local Trino node, and the lake's tables and views on any Trino.

loglake trino node                                   # a local node (Maven Central), Ctrl-C stops it
loglake trino setup --server URL --location ./lake   # schema, tables, partitions, every view
loglake trino sync --server URL                      # register the hours written since
"""

from __future__ import annotations

import argparse
import sys

from loglake.commands.engines import add_trino_arguments, trino_from
from loglake.trino_node import CACHE, LocalTrino, fetch
from loglake.trino_setup import ensure_local_folders, run_statements, statements, sync_statements
from loglake.views import ordered_views


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="trino_command", required=True, metavar="ACTION")
    actions.add_parser("fetch", help=f"fetch the node once into {CACHE}").set_defaults(run=run_fetch)
    node = actions.add_parser("node", help="start a local single node on 127.0.0.1 until Ctrl-C")
    node.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    node.add_argument("--heap", default="2G", help="JVM heap (default 2G)")
    node.set_defaults(run=run_node)
    setup = actions.add_parser("setup", help="create the schema, the tables, their partitions and every view")
    add_trino_arguments(setup, server_required=True)
    setup.add_argument(
        "--location", required=True, help="the lake: a folder (the local node) or s3://bucket/prefix (holds events/)"
    )
    setup.add_argument("--recreate-tables", action="store_true", help="drop and create the tables (schema change)")
    setup.set_defaults(run=run_setup)
    sync = actions.add_parser("sync", help="register the partitions (hours) written since the last setup or sync")
    add_trino_arguments(sync, server_required=True)
    sync.set_defaults(run=run_sync)


def run_fetch(args: argparse.Namespace) -> int:
    print(f"Trino ready in {fetch()}")
    return 0


def run_node(args: argparse.Namespace) -> int:
    node = LocalTrino(heap=args.heap, port=args.port)
    print("starting a local Trino node (the first run fetches it with Maven, ~450 MB)...", file=sys.stderr)

    def ready(url: str) -> None:
        print(url, flush=True)
        print(f"loglake trino setup --server {url} --location LAKE   # catalog hive; Ctrl-C stops", file=sys.stderr)

    node.serve(ready)
    return 0


def run_setup(args: argparse.Namespace) -> int:
    planned = statements(
        args.catalog, args.schema, args.location, ordered_views(), recreate_tables=args.recreate_tables
    )
    ensure_local_folders(args.location)
    done = run_statements(trino_from(args), planned, lambda line: print(line, file=sys.stderr))
    views = sum(label.startswith("view ") for label in done)
    print(f"Trino is ready: {args.catalog}.{args.schema}, tables events_objects and events_commits, {views} views")
    return 0


def run_sync(args: argparse.Namespace) -> int:
    run_statements(trino_from(args), sync_statements(args.catalog, args.schema), lambda _: None)
    print(f"partitions of {args.catalog}.{args.schema} registered")
    return 0
