"""Where a query runs, shared by `loglake sql` and `loglake ask`: the local lake (DuckDB) or Athena.

Not a command itself: the commands call `add_engine_arguments` and `open_engine`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from loglake import athena
from loglake.engine import LocalEngine, QueryError, Result

ENGINES = ("local", "athena")
ENGINE_ERRORS = (QueryError, athena.AthenaError, BotoCoreError, ClientError)


class QueryEngine(Protocol):
    def query(self, sql: str) -> Result: ...


def add_athena_arguments(parser: argparse.ArgumentParser, *, database_required: bool = False) -> None:
    parser.add_argument("--database", required=database_required, help="Athena database (with --engine athena)")
    parser.add_argument("--workgroup", default="primary", help="Athena workgroup (default: primary)")
    parser.add_argument(
        "--output-location", help="s3:// prefix for query results, unless the workgroup enforces its own"
    )
    parser.add_argument("--region", help="AWS region (default: the usual AWS configuration)")


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="local", help="local lake with DuckDB, or Athena")
    parser.add_argument("--lake", type=Path, help="the lake folder written by `loglake ingest` (--engine local)")
    add_athena_arguments(parser)


def athena_from(args: argparse.Namespace) -> athena.Athena:
    target = athena.Target(args.database, args.workgroup, args.output_location)
    return athena.Athena(athena.connect(args.region), target, allow_writes=_allow_writes(args))


def open_engine(args: argparse.Namespace) -> QueryEngine:
    """The engine the arguments ask for; `argparse`-style errors raise SystemExit through `parser.error`."""
    if args.engine == "athena":
        if not args.database:
            raise QueryError("--engine athena needs --database")
        return athena_from(args)
    if args.lake is None:
        raise QueryError("--engine local needs --lake DIR")
    return LocalEngine(args.lake, allow_writes=_allow_writes(args))


def _allow_writes(args: argparse.Namespace) -> bool:
    """Only `loglake sql` has the opt-in flag; every other command stays read-only."""
    return bool(getattr(args, "unsafe_allow_writes", False))
