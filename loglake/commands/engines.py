"""Where a query runs, shared by `loglake sql`, `ask` and `report`: the local lake (DuckDB), Athena or Trino.

Not a command itself: the commands call `add_engine_arguments` and `open_engine` (the engine factory
any command that runs the views can call with its parsed arguments).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from loglake import trino  # imports its client library only to connect
from loglake.commands.errors import UsageError
from loglake.query_engine import QueryEngine

if TYPE_CHECKING:  # imported when opened: a local query loads neither the AWS code nor the SQL checker
    from loglake import athena

ENGINES = ("local", "athena", "trino")


def add_athena_arguments(parser: argparse.ArgumentParser, *, database_required: bool = False) -> None:
    parser.add_argument("--database", required=database_required, help="Athena database (with --engine athena)")
    parser.add_argument("--workgroup", default="primary", help="Athena workgroup (default: primary)")
    parser.add_argument(
        "--output-location", help="s3:// prefix for query results, unless the workgroup enforces its own"
    )
    parser.add_argument("--region", help="AWS region (default: the usual AWS configuration)")


def add_trino_arguments(parser: argparse.ArgumentParser, *, server_required: bool = False) -> None:
    parser.add_argument(
        "--server", required=server_required, help="Trino's URL, http(s)://host:port (with --engine trino)"
    )
    parser.add_argument("--catalog", default=trino.DEFAULT_CATALOG, help="Trino catalog (default: hive)")
    parser.add_argument("--schema", default=trino.DEFAULT_SCHEMA, help="Trino schema (default: loglake)")
    parser.add_argument(
        "--user", default="loglake", help=f"Trino user (default: loglake; password from ${trino.PASSWORD_VARIABLE})"
    )


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="local", help="local lake with DuckDB, Athena or Trino")
    parser.add_argument("--lake", type=Path, help="the lake folder written by `loglake ingest` (--engine local)")
    add_athena_arguments(parser)
    add_trino_arguments(parser)


def athena_from(args: argparse.Namespace) -> athena.Athena:
    from loglake import athena

    target = athena.Target(args.database, args.workgroup, args.output_location)
    return athena.Athena(athena.connect(args.region), target, allow_writes=_allow_writes(args))


def trino_from(args: argparse.Namespace) -> trino.Trino:
    target = trino.Target(args.server, args.catalog, args.schema, args.user)
    return trino.Trino(trino.connect(target), target)


def engine_source(args: argparse.Namespace) -> str:
    """What the engine reads, in words (a report's subtitle)."""
    if args.engine == "athena":
        return f"Athena {args.database}"
    if args.engine == "trino":
        return f"Trino {args.server} {args.catalog}.{args.schema}"
    return str(args.lake)


def open_engine(args: argparse.Namespace) -> QueryEngine:
    """The engine the arguments ask for; a missing argument raises `UsageError` naming it."""
    if args.engine == "trino":
        if not args.server:
            raise UsageError("--engine trino needs --server http://host:port")
        return trino_from(args)
    if args.engine == "athena":
        if not args.database:
            raise UsageError("--engine athena needs --database")
        return athena_from(args)
    if args.lake is None:
        raise UsageError("--engine local needs --lake DIR")
    from loglake.engine import LocalEngine
    from loglake.sql_cache import SqlCache, default_folder

    return LocalEngine(args.lake, allow_writes=_allow_writes(args), cache=SqlCache(default_folder()))


def _allow_writes(args: argparse.Namespace) -> bool:
    """Only `loglake sql` has the opt-in flag; every other command stays read-only."""
    return bool(getattr(args, "unsafe_allow_writes", False))
