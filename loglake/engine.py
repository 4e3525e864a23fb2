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
from sqlglot import exp

from functions.sinks.s3_parquet import TABLE
from schemas.arrow import arrow_schema, arrow_type
from schemas.events import EVENTS

REPO = Path(__file__).resolve().parent.parent
VIEWS_DIR = REPO / "infra" / "athena" / "views"


class QueryError(RuntimeError):
    """A query that could not be transpiled or run; the message names the cause."""


_INT_TYPES = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
)


def _is_integer(node: exp.Expr, int_columns: frozenset[str]) -> bool:
    """Whether Trino would type `node` as an integer (as far as we can tell without a full type pass)."""
    if isinstance(node, exp.Paren):
        return _is_integer(node.this, int_columns)
    if isinstance(node, exp.Literal):
        return node.is_int
    if isinstance(node, exp.Column):
        return node.name in int_columns
    if isinstance(node, exp.Cast):
        return node.to.is_type(*exp.DataType.INTEGER_TYPES)
    if isinstance(node, exp.Count | exp.CountIf):
        return True
    if isinstance(node, exp.Max | exp.Min | exp.Sum | exp.Abs):
        return _is_integer(node.this, int_columns)
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod):
        return _is_integer(node.left, int_columns) and _is_integer(node.right, int_columns)
    return False


def _integer_division(tree: exp.Expr, int_columns: frozenset[str]) -> exp.Expr:
    """Trino divides integers as integers (7 / 2 = 3); DuckDB's `/` gives 3.5. Keep Trino's meaning."""
    for div in list(tree.find_all(exp.Div)):
        if _is_integer(div.left, int_columns) and _is_integer(div.right, int_columns):
            div.replace(exp.IntDiv(this=div.left.copy(), expression=div.right.copy()))
    return tree


def to_duckdb(sql: str, int_columns: frozenset[str] = frozenset()) -> str:
    """One Athena (Trino) statement → DuckDB SQL. `int_columns`: names of integer columns in scope."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="trino") if t is not None]
    except sqlglot.errors.ParseError as exc:
        raise QueryError(f"not valid Athena SQL: {exc}") from exc
    if len(trees) != 1:
        raise QueryError(f"expected one SQL statement, got {len(trees)}")
    return _integer_division(trees[0], int_columns).sql(dialect="duckdb")


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
                    self.con.execute(to_duckdb(path.read_text(encoding="utf-8"), self._int_columns()))
                except duckdb.Error as exc:
                    failed.append((path, str(exc)))
            if len(failed) == len(pending):
                name, reason = failed[0][0].name, failed[0][1]
                raise QueryError(f"view {name} failed: {reason}")
            pending = [path for path, _ in failed]

    def _int_columns(self) -> frozenset[str]:
        rows = self.con.execute("SELECT column_name, data_type FROM duckdb_columns()").fetchall()
        return frozenset(name for name, data_type in rows if data_type in _INT_TYPES)

    def query(self, sql: str) -> Result:
        try:
            cursor = self.con.execute(to_duckdb(sql, self._int_columns()))
        except duckdb.Error as exc:
            raise QueryError(str(exc)) from exc
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, cursor.fetchall())
