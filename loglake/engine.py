"""Athena SQL, locally: DuckDB over the lake folder, with the real view files transpiled by sqlglot.

The `events` table is the lake's Parquet files with their Hive partitions (`dt`, `hour`), exactly
as Athena sees them through partition projection. Views and user queries are written in Athena
(Trino) SQL and transpiled to DuckDB (`loglake.transpile`), so the same text runs unchanged on Athena.
What the transpiler made of them is kept between runs (`loglake.sql_cache`): a query run before, on
views that did not change, costs DuckDB's time only (sqlglot is not even imported).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from loglake.query_engine import QueryError, Result
from loglake.sql_cache import PATH_COLUMN, CompiledView, SqlCache
from loglake.views import VIEWS_DIR
from schemas.duckdb import duckdb_columns, duckdb_type
from schemas.lake import EVENT_COMMITS, EVENT_OBJECTS

__all__ = ["LocalEngine", "QueryError", "Result"]

_ATTEMPTS = 3
_SCHEMA_MISMATCH = re.compile(r"schema mismatch", re.IGNORECASE)
_PARTITION = "dt=*/hour=*/*.parquet"
_MEMORY = SqlCache()  # the engines of a process that were given no cache share this one


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _listed(paths: list[Path]) -> str:
    return "[" + ", ".join(_quoted(str(p)) for p in paths) + "]"


def _hive_types() -> str:
    return "{" + ", ".join(f"{_quoted(p.name)}: {_quoted(duckdb_type(p.kind))}" for p in EVENT_OBJECTS.partitions) + "}"


def _typed_nulls(columns: list[tuple[str, str]]) -> str:
    """A query with `columns`, typed, and no row."""
    return "SELECT " + ", ".join(f'CAST(NULL AS {kind}) AS "{name}"' for name, kind in columns) + " WHERE false"


class LocalEngine:
    """A DuckDB connection over the lake: `events_objects`, `events_commits`, and the views of
    loglake/sql/views, each created the first time a query reads it, after the views it reads.
    Read-only over the lake unless `allow_writes` (see `loglake.statements.check_read_only`).
    `cache`: where transpiled SQL is kept between runs (default: in this process only).

    The lake's objects are read without `union_by_name` when the first one has every column: DuckDB
    then binds a view from one footer instead of all of them (a lake of 3,000 small objects took
    seconds per view otherwise). An object without some column makes DuckDB refuse the scan; the
    engine then reads the lake by name (slower, exact) and runs the query again. Read by name, a column
    no object has (small objects leave out their empty columns) is NULL, typed as the schema says.
    """

    def __init__(
        self, lake: Path, views_dir: Path = VIEWS_DIR, *, allow_writes: bool = False, cache: SqlCache | None = None
    ) -> None:
        self.lake = lake
        self.allow_writes = allow_writes
        self.cache = cache or _MEMORY
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self._compiled = self.cache.views(views_dir)
        self._views = {view.name: view for view in self._compiled.views}
        self._defined: set[str] = set()
        self._by_name = False
        self._define_events()
        if not allow_writes:
            self._lock_down()

    def _lock_down(self) -> None:
        """Files only under the lake folder (the views read it), no other file or network access, and
        no way back: the configuration is locked."""
        folder = str(self.lake.resolve()).rstrip("/") + "/"
        self.con.execute(f"SET allowed_directories = [{_quoted(folder)}]")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def _define_events(self) -> None:
        """`events_commits`, read first, then `events_objects`, listed after it.

        The order matters when the compactor runs meanwhile: every output a commit read here adds was
        written before that commit, so the listing that follows includes it (functions/compactor/compact.py).
        """
        commits = sorted((self.lake / EVENT_COMMITS.folder).glob(_PARTITION))
        columns = duckdb_columns(EVENT_COMMITS)
        source = _typed_nulls(columns)
        if commits:
            casts = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in columns)
            source = (
                f"SELECT {casts} FROM read_parquet({_listed(commits)}, hive_partitioning = true, "
                f"hive_types = {_hive_types()}, union_by_name = true)"
            )
        self.con.execute(f"CREATE OR REPLACE TABLE {EVENT_COMMITS.name} AS {source}")
        files = sorted((self.lake / EVENT_OBJECTS.folder).glob(_PARTITION))
        if not files:
            source = f"({_typed_nulls([*duckdb_columns(EVENT_OBJECTS), ('filename', 'VARCHAR')])})"
        else:
            by_name = self._by_name or not self._has_every_column(files[0])
            source = (
                f"read_parquet({_listed(files)}, hive_partitioning = true, hive_types = {_hive_types()}, "
                f"union_by_name = {'true' if by_name else 'false'}, filename = true)"
            )
            if by_name:  # a column no object has (sparse objects leave out empty ones) is still there, NULL
                empty = _typed_nulls([*duckdb_columns(EVENT_OBJECTS), ("filename", "VARCHAR")])
                source = f"({empty} UNION ALL BY NAME SELECT * FROM {source})"
        self.con.execute(
            f'CREATE OR REPLACE VIEW {EVENT_OBJECTS.name} AS SELECT * EXCLUDE (filename), filename AS "{PATH_COLUMN}" '
            f"FROM {source}"
        )

    def _has_every_column(self, path: Path) -> bool:
        """Whether one data object has every column of the schema (one footer read)."""
        rows = self.con.execute(f"SELECT name FROM parquet_schema({_quoted(str(path))})").fetchall()
        return frozenset(EVENT_OBJECTS.names) <= {name for (name,) in rows}

    def _prepare(self, names: tuple[str, ...]) -> None:
        """Create the views `names` read, directly or through other views, dependencies first."""
        wanted, stack = set(), [n for n in names if n in self._views]
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(n for n in self._views[name].uses if n in self._views)
        for view in self._views.values():  # in dependency order
            if view.name in wanted and view.name not in self._defined:
                self._create(view)

    def _create(self, view: CompiledView) -> None:
        if view.error:
            raise QueryError(f"view {view.name} failed: {view.error}")
        try:
            self.con.execute(view.duckdb)
        except duckdb.IOException:
            raise  # an object listed is gone (compacted away): `query` lists the lake again
        except duckdb.Error as exc:
            raise QueryError(f"view {view.name} failed: {exc}") from exc
        self._defined.add(view.name)

    def query(self, sql: str) -> Result:
        statement = self.cache.statement(sql, self._compiled, read_only=not self.allow_writes)
        for attempt in range(_ATTEMPTS):
            try:
                self._prepare(statement.uses)
                cursor = self.con.execute(statement.duckdb)
                break
            except duckdb.IOException as exc:  # an object the compactor deleted since the listing: list again
                if attempt == _ATTEMPTS - 1:
                    raise QueryError(str(exc)) from exc
                self._define_events()
            except duckdb.Error as exc:
                if self._by_name or not _SCHEMA_MISMATCH.search(str(exc)):
                    raise QueryError(str(exc)) from exc
                self._by_name = True  # an object without some column: read the lake by column name
                self._define_events()
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, cursor.fetchall())
