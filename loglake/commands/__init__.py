"""Sub-commands of the CLI. Each module exposes `register(subparsers)`; the parser calls `args.run(args)`."""

from __future__ import annotations

from types import ModuleType

from loglake.commands import (
    ask,
    athena,
    compact,
    demo,
    groups,
    ingest,
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
    trino,
)
