"""Athena SQL, locally: DuckDB over the lake folder, with the real view files transpiled by sqlglot.

The `events` table is the lake's Parquet files with their Hive partitions (`dt`, `hour`), exactly
as Athena sees them through partition projection. Views and user queries are written in Athena
(Trino) SQL and transpiled to DuckDB, so the same text runs unchanged on Athena.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot

from functions.sinks.s3_parquet import TABLE
from schemas.arrow import arrow_schema, arrow_type
from schemas.events import EVENTS

REPO = Path(__file__).resolve().parent.parent
VIEWS_DIR = REPO / "infra" / "athena" / "views"


class QueryError(RuntimeError):
    """A query that could not be transpiled or run; the message names the cause."""


def to_duckdb(sql: str) -> str:
    """One Athena (Trino) statement → DuckDB SQL."""
    try:
        statements = sqlglot.transpile(sql, read="trino", write="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise QueryError(f"not valid Athena SQL: {exc}") from exc
    statements = [s for s in statements if s.strip()]
    if len(statements) != 1:
        raise QueryError(f"expected one SQL statement, got {len(statements)}")
    return statements[0]


def view_files(directory: Path = VIEWS_DIR) -> list[Path]:
    return sorted(directory.glob("*.sql"))


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _empty_events() -> pa.Table:
    schema = arrow_schema(EVENTS)
    for part in EVENTS.partitions:
        schema = schema.append(pa.field(part.name, arrow_type(part.kind)))
    return schema.empty_table()


class LocalEngine:
    """A DuckDB connection with `events` and every view of infra/athena/views defined."""

    def __init__(self, lake: Path, views_dir: Path = VIEWS_DIR) -> None:
        self.lake = lake
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self._define_events()
        self._define_views(view_files(views_dir))

    def _define_events(self) -> None:
        files = sorted((self.lake / TABLE).glob("dt=*/hour=*/*.parquet"))
        if not files:
            self.con.register("_events_empty", _empty_events())
            self.con.execute(f"CREATE VIEW {TABLE} AS SELECT * FROM _events_empty")
            return
        pattern = str(self.lake / TABLE / "dt=*" / "hour=*" / "*.parquet").replace("'", "''")
        self.con.execute(
            f"CREATE VIEW {TABLE} AS SELECT * FROM read_parquet('{pattern}', hive_partitioning = true, "
            "hive_types = {'dt': 'VARCHAR', 'hour': 'INTEGER'}, union_by_name = true)"
        )

    def _define_views(self, files: list[Path]) -> None:
        pending = list(files)
        while pending:  # views may use each other: define in rounds until nothing more succeeds
            failed: list[tuple[Path, str]] = []
            for path in pending:
                try:
                    self.con.execute(to_duckdb(path.read_text(encoding="utf-8")))
                except duckdb.Error as exc:
                    failed.append((path, str(exc)))
            if len(failed) == len(pending):
                name, reason = failed[0][0].name, failed[0][1]
                raise QueryError(f"view {name} failed: {reason}")
            pending = [path for path, _ in failed]

    def query(self, sql: str) -> Result:
        try:
            cursor = self.con.execute(to_duckdb(sql))
        except duckdb.Error as exc:
            raise QueryError(str(exc)) from exc
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, cursor.fetchall())
