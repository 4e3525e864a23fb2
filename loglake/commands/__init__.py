"""Sub-commands of the CLI. Each module exposes `register(subparsers)`; the parser calls `args.run(args)`."""

from __future__ import annotations

from types import ModuleType

from loglake.commands import (
    ask,
    athena,
    backfill,
    compact,
    demo,
    filter,
    groups,
    ingest,
    insights,
    metric_filter,
    opensearch,
    reindex,
    replay_failed,
    report,
    sql,
    trino,
)

COMMANDS: tuple[ModuleType, ...] = (
    ingest,
    sql,
    demo,
    groups,
    opensearch,
    replay_failed,
    reindex,
    ask,
    report,
    athena,
    compact,
    backfill,
    filter,
    metric_filter,
    insights,
    trino,
)
