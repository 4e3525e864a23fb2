"""What `loglake athena setup` and `loglake trino setup` share: a plan of labelled, idempotent statements,
and the error that refuses a name or location before any statement runs (a usage error of the CLI)."""

from __future__ import annotations

from dataclasses import dataclass


class SetupError(ValueError):
    """A database, catalog, schema or location the setup refuses; nothing has run yet."""


@dataclass(frozen=True)
class Statement:
    label: str  # what the progress line names: "table events_objects", "view events"
    sql: str
    # Athena: run with the database as context (not before it exists). Trino's statements name their
    # catalog and schema in the SQL and ignore it.
    in_database: bool = True
