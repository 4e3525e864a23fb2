"""Athena (Trino) SQL → DuckDB SQL that answers as Trino would, typed by the lake's real schema.

Trino divides two integers as integers (7 / 2 = 3) and computes `100.0 * x / y` in decimals; DuckDB
gives 3.5 and a double. Which `/` is which depends on the operands' types, so each statement is typed
first: sqlglot qualifies its columns and annotates types over a copy, with the lake's tables
(`lake_types`, from schemas/) and the output types of the views (each view typed after the views it
reads). A division is integer only when both operands are typed integers; anything sqlglot can't type
(an unknown table or function) is not an integer, and its `/` stays DuckDB's.

The typing pass runs on a copy (qualifying rewrites the text); its answers are carried back to the
statement through a tag in each node's `meta`, which copies keep and the SQL generator ignores.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from loglake.query_engine import QueryError
from loglake.sql_cache import CompiledStatement, CompiledView, Types, lake_types
from loglake.statements import check_read_only, is_read_only, parse_statement
from loglake.views import View, tables_used

_TAG = "loglake_node"
_UNKNOWN = "UNKNOWN"
_INTEGER_TYPES = frozenset(exp.DataType.INTEGER_TYPES)


class Typed:
    """Which nodes of one statement Trino types as integers (by the tag `_tag` put on each)."""

    def __init__(self, integers: frozenset[int], columns: dict[str, str]) -> None:
        self.integers = integers
        self.columns = columns  # the statement's output columns → Trino type (UNKNOWN when not known)

    def is_integer(self, node: exp.Expr) -> bool:
        while isinstance(node, exp.Paren):
            node = node.this
        return node.meta.get(_TAG) in self.integers


def lake_schema(types: Types) -> MappingSchema:
    """`types` for sqlglot (its type names parsed once per schema: keep one for many statements)."""
    schema = MappingSchema(dialect="trino")
    for table, columns in types.items():
        add_table(schema, table, columns)
    return schema


def add_table(schema: MappingSchema, table: str, columns: dict[str, str]) -> None:
    schema.add_table(exp.to_table(table), columns, dialect="trino")


def _type_name(node: exp.Expr) -> str:
    kind = node.type
    return _UNKNOWN if kind is None or kind.this == exp.DataType.Type.UNKNOWN else kind.sql(dialect="trino")


def type_statement(tree: exp.Expr, schema: MappingSchema) -> Typed:
    """Tag every node of `tree` and type a qualified copy; what sqlglot can't qualify is typed as far
    as it can be without (literals, casts, functions of them)."""
    for number, node in enumerate(tree.walk()):
        node.meta[_TAG] = number
    typed = tree.copy()
    try:
        typed = qualify(
            typed,
            dialect="trino",
            schema=schema,
            validate_qualify_columns=False,
            quote_identifiers=False,
            identify=False,
        )
    except SqlglotError:
        typed = tree.copy()
    try:
        typed = annotate_types(typed, schema=schema, dialect="trino")
    except SqlglotError:
        return Typed(frozenset(), {})
    integers = frozenset(
        node.meta[_TAG]
        for node in typed.walk()
        if node.type is not None and node.type.this in _INTEGER_TYPES and _TAG in node.meta
    )
    columns = {}
    if isinstance(typed, exp.Query):
        columns = {select.alias_or_name: _type_name(select) for select in typed.selects if select.alias_or_name}
    return Typed(integers, columns)


def _untag(tree: exp.Expr) -> exp.Expr:
    for node in tree.walk():
        node.meta.pop(_TAG, None)
    return tree


def _integer_division(tree: exp.Expr, typed: Typed) -> exp.Expr:
    """Trino divides integers as integers (7 / 2 = 3); DuckDB's `/` gives 3.5. Keep Trino's meaning."""
    for div in list(tree.find_all(exp.Div)):
        if typed.is_integer(div.left) and typed.is_integer(div.right):
            div.replace(exp.IntDiv(this=div.left.copy(), expression=div.right.copy()))
    return tree


def _decimal_scale(node: exp.Expr, typed: Typed) -> int | None:
    """The scale Trino gives `node` when it is a decimal (`100.0` is DECIMAL(4,1), not a double), else None."""
    if isinstance(node, exp.Paren):
        return _decimal_scale(node.this, typed)
    if isinstance(node, exp.Literal) and node.is_number and not node.is_int:
        text = node.name.lower()
        return None if "e" in text else len(text.partition(".")[2])
    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DECIMAL):
        params = node.to.expressions
        return int(params[1].name) if len(params) == 2 else 0
    if isinstance(node, exp.Mul | exp.Add | exp.Sub):
        scales = _exact_scales(node.left, node.right, typed)
        if scales is None:
            return None
        return scales[0] + scales[1] if isinstance(node, exp.Mul) else max(scales)
    return None


def _exact_scales(left: exp.Expr, right: exp.Expr, typed: Typed) -> tuple[int, int] | None:
    """Both sides' scales when Trino computes `left op right` in decimals: one is a decimal, the other a
    decimal or an integer (scale 0). None when either is a double or not known."""
    scales = [_decimal_scale(side, typed) for side in (left, right)]
    if scales == [None, None]:
        return None
    exact = [
        s if s is not None else 0 if typed.is_integer(side) else None
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


def _decimal_division(tree: exp.Expr, typed: Typed) -> exp.Expr:
    """`100.0 * x / y` is decimal arithmetic on Trino (1.7), a double on DuckDB (1.69): keep Trino's."""
    for div in list(tree.find_all(exp.Div)):
        scales = _exact_scales(div.left, div.right, typed)
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


def transpile(tree: exp.Expr, typed: Typed) -> str:
    """A parsed, typed Athena (Trino) statement as DuckDB SQL that answers as Trino would: integer and
    decimal division, approx_percentile's rank. `tree` is rewritten in place."""
    tree = _integer_division(_decimal_division(tree, typed), typed)
    return _untag(_trino_percentiles(tree)).sql(dialect="duckdb")


def to_duckdb(sql: str, types: Types | None = None, *, read_only: bool = False) -> str:
    """One Athena (Trino) statement → DuckDB SQL, typed with `types` (default: the lake's tables)."""
    tree = parse_statement(sql)
    if read_only:
        check_read_only(tree)
    return transpile(tree, type_statement(tree, lake_schema(lake_types() if types is None else types)))


def compile_statement(sql: str, types: Types, *, read_only: bool) -> CompiledStatement:
    """`sql` as DuckDB SQL, with the tables it reads; `read_only`: a statement that writes is refused."""
    tree = parse_statement(sql)
    if read_only:
        check_read_only(tree)
    query = is_read_only(tree)
    uses = tables_used(tree)
    try:
        duckdb_sql = transpile(tree, type_statement(tree, lake_schema(types)))
    except SqlglotError as exc:
        raise QueryError(f"can't translate to DuckDB: {exc}") from exc
    return CompiledStatement(query, tuple(sorted(uses)), duckdb_sql)


def compile_views(views: list[View]) -> list[CompiledView]:
    """Every view (in dependency order) as DuckDB SQL with its output column types; a view that can't
    be translated carries its error (raised when a query reads it)."""
    schema = lake_schema(lake_types())
    compiled = []
    for view in views:
        tree = sqlglot.parse_one(view.sql, read="trino")
        body = tree.expression if isinstance(tree.expression, exp.Expr) else tree
        try:
            typed = type_statement(body, schema)
            duckdb_sql, error = transpile(tree, typed), ""
        except SqlglotError as exc:
            typed, duckdb_sql, error = Typed(frozenset(), {}), "", f"can't translate to DuckDB: {exc}"
        add_table(schema, view.name, typed.columns)
        compiled.append(CompiledView(view.name, tuple(sorted(view.uses)), duckdb_sql, typed.columns, error))
    return compiled
