"""`loglake opensearch node|fetch|setup|dashboards`: the local node, the cluster setup, saved objects.

loglake opensearch node                          # a local node (Maven Central jars), Ctrl-C stops it
loglake opensearch setup --url URL [--retention-days 30]
loglake opensearch dashboards --namespace team-a > saved-objects.ndjson
"""

from __future__ import annotations

import argparse
import sys

from loglake.opensearch_cli import add_connection_options, add_retention_option, client_from_args
from loglake.opensearch_node import CACHE, LocalNode, fetch
from loglake.opensearch_setup import setup
from schemas.dashboards import DEFAULT_NAMESPACE, dashboards_ndjson
from schemas.opensearch import DEFAULT_INDEX_PREFIX


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="opensearch_command", required=True, metavar="ACTION")
    node = actions.add_parser("node", help="start a local single node on 127.0.0.1 until Ctrl-C")
    node.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    node.add_argument("--heap", default="512m", help="JVM heap (default 512m)")
    node.add_argument("--setup", action="store_true", help="also apply the index template (and policy if ISM)")
    add_retention_option(node)
    node.set_defaults(run=run_node)
    actions.add_parser("fetch", help=f"fetch the node's jars once into {CACHE}").set_defaults(run=run_fetch)
    configure = actions.add_parser("setup", help="apply the index template, retention policy and alias")
    add_connection_options(configure)
    add_retention_option(configure)
    configure.set_defaults(run=run_setup)
    saved = actions.add_parser("dashboards", help="print the Dashboards saved objects (NDJSON) for import")
    saved.add_argument("--namespace", default=DEFAULT_NAMESPACE, help="prefix of every saved object id and title")
    saved.add_argument("--index-prefix", default=DEFAULT_INDEX_PREFIX)
    saved.set_defaults(run=run_dashboards)


def run_fetch(args: argparse.Namespace) -> int:
    print(f"OpenSearch jars ready in {fetch()}")
    return 0


def run_node(args: argparse.Namespace) -> int:
    node = LocalNode(heap=args.heap, port=args.port)
    print("starting a local OpenSearch node (the first run fetches its jars with Maven)...", file=sys.stderr)

    def ready(url: str) -> None:
        if args.setup:
            args.opensearch_url, args.opensearch_auth, args.secret_arn = url, "none", None
            args.aws_region, args.insecure, args.index_prefix = None, False, DEFAULT_INDEX_PREFIX
            for line in setup(client_from_args(args), DEFAULT_INDEX_PREFIX, args.retention_days).lines():
                print(line, file=sys.stderr)
        print(url, flush=True)
        print(f"export LOGLAKE_OPENSEARCH_URL={url}   # data in {node.home}; Ctrl-C stops", file=sys.stderr)

    node.serve(ready)
    return 0


def run_setup(args: argparse.Namespace) -> int:
    report = setup(client_from_args(args), args.index_prefix, args.retention_days)
    for line in report.lines():
        print(line)
    return 0


def run_dashboards(args: argparse.Namespace) -> int:
    sys.stdout.write(dashboards_ndjson(args.namespace, args.index_prefix))
    return 0
