"""Athena SQL, locally: DuckDB over the lake folder, with the real view files transpiled by sqlglot.

The `events` table is the lake's Parquet files with their Hive partitions (`dt`, `hour`), exactly
as Athena sees them through partition projection. Views and user queries are written in Athena
(Trino) SQL and transpiled to DuckDB, so the same text runs unchanged on Athena.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from functions.compactor.visibility import is_live
from loglake.views import VIEWS_DIR, View, ordered_views, tables_used
from schemas.arrow import arrow_schema, arrow_type
from schemas.events import EVENTS
from schemas.lake import ADDED, EVENT_COMMITS, EVENT_OBJECTS, REMOVED

_ATTEMPTS = 3


class QueryError(RuntimeError):
    """A query that could not be transpiled or run; the message names the cause."""


UNSAFE_FLAG = "--unsafe-allow-writes"
_QUERY_TYPES: tuple[type[exp.Expr], ...] = (exp.Query, exp.Values)
# Statement kinds that never belong inside a read-only query (looked up by name: sqlglot versions differ).
_WRITE_KINDS = ("DML", "DDL", "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "Copy", "Command")
_WRITE_NODES: tuple[type[exp.Expr], ...] = tuple(
    kind
    for kind in (getattr(exp, name, None) for name in (*_WRITE_KINDS, "Pragma", "Set", "Use", "Into"))
    if isinstance(kind, type)
)


def parse_statement(sql: str) -> exp.Expr:
    """Exactly one Athena (Trino) statement, parsed."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="trino") if t is not None]
    except sqlglot.errors.ParseError as exc:
        raise QueryError(f"not valid Athena SQL: {exc}") from exc
    if len(trees) != 1:
        raise QueryError(f"expected one SQL statement, got {len(trees)}")
    return trees[0]


def check_read_only(tree: exp.Expr) -> None:
    """A query reads; anything else (DDL, INSERT, COPY, UNLOAD, SET, PRAGMA, ATTACH…) is refused."""
    if isinstance(tree, _QUERY_TYPES) and not any(isinstance(node, _WRITE_NODES) for node in tree.walk()):
        return
    words = tree.sql(dialect="trino").split(None, 1)
    kind = words[0].upper() if words else type(tree).__name__.upper()
    raise QueryError(
        f"read-only: only queries run (SELECT, WITH … SELECT, VALUES), not a {kind} statement; "
        f"pass {UNSAFE_FLAG} to run other statements"
    )


def check_read_only_sql(sql: str) -> None:
    """`check_read_only` on SQL text; text sqlglot can't parse can't be shown to be a query: refused."""
    try:
        tree = parse_statement(sql)
    except QueryError as exc:
        raise QueryError(f"{exc} (read-only: a statement that can't be checked is refused; see {UNSAFE_FLAG})") from exc
    check_read_only(tree)


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


def _decimal_scale(node: exp.Expr, int_columns: frozenset[str]) -> int | None:
    """The scale Trino gives `node` when it is a decimal (`100.0` is DECIMAL(4,1), not a double), else None."""
    if isinstance(node, exp.Paren):
        return _decimal_scale(node.this, int_columns)
    if isinstance(node, exp.Literal) and node.is_number and not node.is_int:
        text = node.name.lower()
        return None if "e" in text else len(text.partition(".")[2])
    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DECIMAL):
        params = node.to.expressions
        return int(params[1].name) if len(params) == 2 else 0
    if isinstance(node, exp.Mul | exp.Add | exp.Sub):
        scales = _exact_scales(node.left, node.right, int_columns)
        if scales is None:
            return None
        return scales[0] + scales[1] if isinstance(node, exp.Mul) else max(scales)
    return None


def _exact_scales(left: exp.Expr, right: exp.Expr, int_columns: frozenset[str]) -> tuple[int, int] | None:
    """Both sides' scales when Trino computes `left op right` in decimals: one is a decimal, the other a
    decimal or an integer (scale 0). None when either is a double or not known."""
    scales = [_decimal_scale(side, int_columns) for side in (left, right)]
    if scales == [None, None]:
        return None
    exact = [
        s if s is not None else 0 if _is_integer(side, int_columns) else None
        for s, side in zip(scales, (left, right), strict=True)
    ]
    if exact[0] is None or exact[1] is None:
        return None
    return exact[0], exact[1]


def _unscaled(node: exp.Expr, scale: int) -> exp.Expr:
    """The integer `node * 10^scale` (exact: DuckDB multiplies decimals exactly) as a HUGEINT."""
    scaled = exp.Mul(this=exp.Paren(this=node.copy()), expression=exp.Literal.number(10**scale))
    return exp.Cast(this=scaled, to=exp.DataType.build("HUGEINT"))


def _decimal_quotient(left: exp.Expr, left_scale: int, right: exp.Expr, right_scale: int) -> exp.Expr:
    """Trino's decimal division: the quotient at scale max(s1, s2), rounded half away from zero."""
    scale = max(left_scale, right_scale)
    numerator = exp.Mul(
        this=_unscaled(left, left_scale), expression=exp.Literal.number(10 ** (scale + right_scale - left_scale))
    )
    denominator = _unscaled(right, right_scale)
    template = "CAST(sign(_n) * sign(_d) * ((2 * abs(_n) + abs(_d)) // (2 * abs(_d))) AS DECIMAL({width}, 0))"
    rounded = sqlglot.parse_one(template.format(width=38 - scale), read="duckdb")
    rounded = rounded.transform(
        lambda node: (
            (numerator if node.name == "_n" else denominator).copy()
            if isinstance(node, exp.Column) and node.name in ("_n", "_d")
            else node
        )
    )
    if scale == 0:
        return rounded
    unit = exp.Cast(
        this=exp.Literal.number(f"{10**-scale:.{scale}f}"), to=exp.DataType.build(f"DECIMAL({scale}, {scale})")
    )
    return exp.Paren(this=exp.Mul(this=rounded, expression=unit))


def _decimal_division(tree: exp.Expr, int_columns: frozenset[str]) -> exp.Expr:
    """`100.0 * x / y` is decimal arithmetic on Trino (1.7), a double on DuckDB (1.69): keep Trino's."""
    for div in list(tree.find_all(exp.Div)):
        scales = _exact_scales(div.left, div.right, int_columns)
        if scales is not None:
            div.replace(_decimal_quotient(div.left, scales[0], div.right, scales[1]))
    return tree


_TRINO_PERCENTILE = (
    "list_sort(list(_pv) FILTER (WHERE _pv IS NOT NULL))"
    "[CAST(least(count(_pv) - 1, floor(CAST(_pq AS DOUBLE) * count(_pv))) AS BIGINT) + 1]"
)


def _trino_percentiles(tree: exp.Expr) -> exp.Expr:
    """Trino's `approx_percentile(x, q)` (a t-digest) answers with the group's value at 0-based rank
    floor(q x n) of its n sorted values while the digest keeps every value, as it does for groups of
    fewer than 40 (the hourly views); DuckDB's `approx_quantile` interpolates, `quantile_disc` takes
    rank floor(q x (n - 1)). Locally the percentile is that rank, exactly; on large groups Trino's own
    estimate stays within its error of it."""
    template = sqlglot.parse_one(_TRINO_PERCENTILE, read="duckdb")
    for node in list(tree.find_all(exp.ApproxQuantile)):
        quantile = node.args.get("quantile")
        if node.args.get("weight") is not None or node.args.get("accuracy") is not None or quantile is None:
            continue  # weighted or with an accuracy: left to DuckDB's approximation
        value = node.this

        def fill(part: exp.Expr, value: exp.Expr = value, quantile: exp.Expr = quantile) -> exp.Expr:
            if isinstance(part, exp.Column) and part.name in ("_pv", "_pq") and not part.table:
                return (value if part.name == "_pv" else quantile).copy()
            return part

        node.replace(template.copy().transform(fill))
    return tree


def transpile(tree: exp.Expr, int_columns: frozenset[str]) -> str:
    """A parsed Athena (Trino) statement as DuckDB SQL that answers as Trino would: integer and decimal
    division, approx_percentile's rank."""
    tree = _decimal_division(tree, int_columns)
    return _trino_percentiles(_integer_division(tree, int_columns)).sql(dialect="duckdb")


def to_duckdb(sql: str, int_columns: frozenset[str] = frozenset(), *, read_only: bool = False) -> str:
    """One Athena (Trino) statement → DuckDB SQL. `int_columns`: names of integer columns in scope."""
    tree = parse_statement(sql)
    if read_only:
        check_read_only(tree)
    return transpile(tree, int_columns)


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _with_partitions(schema: pa.Schema) -> pa.Schema:
    for part in EVENTS.partitions:
        schema = schema.append(pa.field(part.name, arrow_type(part.kind)))
    return schema


def _empty_events() -> pa.Table:
    return _with_partitions(arrow_schema(EVENTS)).append(pa.field("filename", pa.string())).empty_table()


_SCHEMA_MISMATCH = re.compile(r"schema mismatch", re.IGNORECASE)


def _has_every_column(path: Path) -> bool:
    """Whether one data object has every column of the schema (one footer read)."""
    return frozenset(arrow_schema(EVENTS).names) <= frozenset(pq.read_schema(path).names)


def _read_commit(path: Path) -> pa.Table:
    table = pq.read_table(path, partitioning=None)
    dt, hour = path.parent.parent.name.removeprefix("dt="), int(path.parent.name.removeprefix("hour="))
    table = table.append_column("dt", pa.array([dt] * table.num_rows, pa.string()))
    return table.append_column("hour", pa.array([hour] * table.num_rows, pa.int32()))


def lake_tables(lake: Path) -> tuple[pa.Table, list[Path]]:
    """The commit records, read first, and then the list of data objects.

    The order matters when the compactor runs meanwhile: every output a commit read here adds was
    written before that commit, so the listing that follows includes it (functions/compactor/compact.py).
    """
    paths = sorted((lake / EVENT_COMMITS.folder).glob("dt=*/hour=*/*.parquet"))
    schema = _with_partitions(arrow_schema(EVENT_COMMITS))
    commits = pa.concat_tables(
        [_read_commit(p).select(schema.names).cast(schema) for p in paths] or [schema.empty_table()]
    )
    return commits, sorted((lake / EVENT_OBJECTS.folder).glob("dt=*/hour=*/*.parquet"))


def live_paths(lake: Path) -> list[Path]:
    """The data objects the `events` view shows (the same rule in Python: functions/compactor/visibility.py)."""
    commits, files = lake_tables(lake)
    changes: dict[tuple[str, int, str], set[str]] = {}
    for row in commits.select(["dt", "hour", "change", "file"]).to_pylist():
        changes.setdefault((row["dt"], row["hour"], row["change"]), set()).add(row["file"])
    live = []
    for path in files:
        dt, hour = path.parent.parent.name.removeprefix("dt="), int(path.parent.name.removeprefix("hour="))
        added = frozenset(changes.get((dt, hour, ADDED), ()))
        if is_live(path.name, added, frozenset(changes.get((dt, hour, REMOVED), ()))):
            live.append(path)
    return live


class LocalEngine:
    """A DuckDB connection over the lake: `events_objects`, `events_commits`, and the views of
    loglake/sql/views, each created (transpiled once) the first time a query reads it, after the views
    it reads. Read-only over the lake unless `allow_writes` (see `check_read_only`).

    The lake's objects are read without `union_by_name` when the first one has every column: DuckDB
    then binds a view from one footer instead of all of them (a lake of 3,000 small objects took
    seconds per view otherwise). An object without some column makes DuckDB refuse the scan; the
    engine then reads the lake by name (slower, exact) and runs the query again.
    """

    def __init__(self, lake: Path, views_dir: Path = VIEWS_DIR, *, allow_writes: bool = False) -> None:
        self.lake = lake
        self.allow_writes = allow_writes
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self._views = {view.name: view for view in ordered_views(views_dir)}
        self._defined: set[str] = set()
        self._by_name = False
        self._define_events()
        if not allow_writes:
            self._lock_down()

    def _lock_down(self) -> None:
        """Files only under the lake folder (the views read it), no other file or network access, and
        no way back: the configuration is locked."""
        folder = str(self.lake.resolve()).rstrip("/") + "/"
        self.con.execute("SET allowed_directories = [" + "'" + folder.replace("'", "''") + "']")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def _define_events(self) -> None:
        """`events_commits`, then `events_objects` (listed after the commits were read; see `lake_tables`)."""
        commits, files = lake_tables(self.lake)
        self.con.register("_events_commits", commits)
        self.con.execute(f"CREATE OR REPLACE VIEW {EVENT_COMMITS.name} AS SELECT * FROM _events_commits")
        if not files:
            self.con.register("_events_empty", _empty_events())
            source = "_events_empty"
        else:
            by_name = self._by_name or not _has_every_column(files[0])
            listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            source = (
                f"read_parquet([{listed}], hive_partitioning = true, "
                "hive_types = {'dt': 'VARCHAR', 'hour': 'INTEGER'}, "
                f"union_by_name = {'true' if by_name else 'false'}, filename = true)"
            )
        self.con.execute(
            f'CREATE OR REPLACE VIEW {EVENT_OBJECTS.name} AS SELECT * EXCLUDE (filename), filename AS "$path" '
            f"FROM {source}"
        )

    def _prepare(self, names: frozenset[str]) -> None:
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

    def _create(self, view: View) -> None:
        try:
            self.con.execute(to_duckdb(view.sql, self._int_columns()))
        except duckdb.IOException:
            raise  # an object listed is gone (compacted away): `query` lists the lake again
        except (duckdb.Error, QueryError) as exc:
            raise QueryError(f"view {view.name} failed: {exc}") from exc
        self._defined.add(view.name)

    def _int_columns(self) -> frozenset[str]:
        rows = self.con.execute("SELECT column_name, data_type FROM duckdb_columns()").fetchall()
        return frozenset(name for name, data_type in rows if data_type in _INT_TYPES)

    def query(self, sql: str) -> Result:
        tree = parse_statement(sql)
        if not self.allow_writes:
            check_read_only(tree)
        used = tables_used(tree)
        for attempt in range(_ATTEMPTS):
            try:
                self._prepare(used)
                cursor = self.con.execute(transpile(tree, self._int_columns()))
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
