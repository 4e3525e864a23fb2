"""Sub-commands of the CLI. Each module exposes `register(subparsers)`; the parser calls `args.run(args)`."""

from __future__ import annotations

from types import ModuleType

from loglake.commands import demo, groups, ingest, sql

COMMANDS: tuple[ModuleType, ...] = (ingest, sql, demo, groups)
