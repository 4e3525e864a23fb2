"""`loglake trino setup`: the schema, the lake's two tables, their partitions and every view, on Trino.

The same plan as `athena setup` in Trino's own DDL (`schemas/trino.py`): the schema, `events_objects`
and `events_commits` over the lake's folders, their partitions registered from the folders
(`system.sync_partition_metadata`, run again by `loglake trino sync` after new hours arrive), then the
view files unchanged, each after the views it reads. Every statement is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from loglake.setup_plan import SetupError, Statement
from loglake.trino import Trino
from loglake.views import View
from schemas.lake import EVENT_COMMITS, EVENT_OBJECTS
from schemas.trino import qualified, quote_literal, quote_name, trino_ddl

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,127}$")
_SCHEMES = ("s3://", "s3a://", "gs://", "abfs://", "abfss://", "hdfs://", "local://", "file://")


def lake_location(location: str) -> str:
    """The lake's root as Trino sees it: a URL as given, a local folder as `local:///abs/path`."""
    if location.startswith(_SCHEMES):
        return location.rstrip("/")
    if "://" in location:
        raise SetupError(f"location {location!r}: expected a folder or s3://bucket/prefix")
    return "local://" + str(Path(location).resolve())


def ensure_local_folders(location: str) -> None:
    """A local lake gets its tables' folders now: Trino refuses an external location that is not a folder
    (a lake the compactor never ran on has no `events_commits/` yet). Remote locations are left alone."""
    if "://" in location:
        return
    for table in (EVENT_OBJECTS, EVENT_COMMITS):
        (Path(location) / table.folder).mkdir(parents=True, exist_ok=True)


def check_names(catalog: str, schema: str) -> None:
    for what, name in (("catalog", catalog), ("schema", schema)):
        if not _NAME.match(name):
            raise SetupError(f"{what} {name!r}: use lower-case letters, digits and underscores")


def table_statements(catalog: str, schema: str, location: str) -> list[Statement]:
    """The schema and the two tables over the lake at `location` (the folder holding `events/`)."""
    check_names(catalog, schema)
    root = lake_location(location)
    out = [Statement(f"schema {schema}", f"CREATE SCHEMA IF NOT EXISTS {quote_name(catalog)}.{quote_name(schema)}")]
    for table in (EVENT_OBJECTS, EVENT_COMMITS):
        out.append(Statement(f"table {table.name}", trino_ddl(table, catalog, schema, f"{root}/{table.folder}")))
    return out


def sync_statements(catalog: str, schema: str) -> list[Statement]:
    """Register the partitions the tables' folders hold now, and forget the ones removed ('FULL')."""
    return [
        Statement(
            f"partitions of {table.name}",
            f"CALL {quote_name(catalog)}.system.sync_partition_metadata("
            f"{quote_literal(schema)}, {quote_literal(table.name)}, 'FULL')",
        )
        for table in (EVENT_OBJECTS, EVENT_COMMITS)
    ]


def view_statements(views: list[View]) -> list[Statement]:
    return [Statement(f"view {view.name}", view.sql) for view in views]


def statements(
    catalog: str, schema: str, location: str, views: list[View], *, recreate_tables: bool = False
) -> list[Statement]:
    """The whole setup in the order it must run."""
    planned = table_statements(catalog, schema, location)
    if recreate_tables:  # external tables: dropping them leaves the Parquet files alone
        drops = [
            Statement(f"drop table {t.name}", f"DROP TABLE IF EXISTS {qualified(catalog, schema, t.name)}")
            for t in (EVENT_OBJECTS, EVENT_COMMITS)
        ]
        planned = [planned[0], *drops, *planned[1:]]
    return [*planned, *sync_statements(catalog, schema), *view_statements(views)]


def run_statements(trino: Trino, planned: list[Statement], report: Callable[[str], None] = print) -> list[str]:
    done = []
    for statement in planned:
        trino.execute(statement.sql)
        done.append(statement.label)
        report(f"done: {statement.label}")
    return done
