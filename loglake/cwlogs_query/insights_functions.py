"""Logs Insights functions as Athena (Trino) SQL: typed SQL fragments in, a typed fragment out.

A `Typed` is SQL text and its Insights type: number, string, timestamp, boolean, or `any` (a JSON or
parsed field, a string that may hold a number). `any` becomes a number through `TRY_CAST` wherever
a number is needed, as Insights compares and adds such fields as numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Typed:
    sql: str
    kind: str  # number | string | timestamp | boolean | any


def numeric(value: Typed) -> str:
    return value.sql if value.kind == "number" else f"TRY_CAST({value.sql} AS double)"


def text(value: Typed) -> str:
    return value.sql if value.kind in ("string", "any") else f"CAST({value.sql} AS varchar)"


def floor_time(timestamp: str, seconds: int, ceiling: bool = False) -> str:
    rounding = "ceil" if ceiling else "floor"
    return f"CAST(from_unixtime({rounding}(to_unixtime({timestamp}) / {seconds}) * {seconds}) AS timestamp)"


def _number(sql: str) -> Typed:
    return Typed(sql, "number")


def _string(sql: str) -> Typed:
    return Typed(sql, "string")


def _coalesce(args: list[Typed]) -> Typed:
    kinds = {a.kind for a in args}
    if len(kinds) == 1:
        return Typed(f"coalesce({', '.join(a.sql for a in args)})", args[0].kind)
    return Typed(f"coalesce({', '.join(text(a) for a in args)})", "any")


def _substr(args: list[Typed]) -> Typed:
    start = f"CAST({numeric(args[1])} AS bigint) + 1"
    length = f", CAST({numeric(args[2])} AS bigint)" if len(args) == 3 else ""
    return _string(f"substr({text(args[0])}, {start}{length})")


# name → (fewest arguments, most arguments or None for any, the translation)
SCALARS: dict[str, tuple[int, int | None, Callable[[list[Typed]], Typed]]] = {
    "ispresent": (1, 1, lambda a: Typed(f"({a[0].sql} IS NOT NULL)", "boolean")),
    "isempty": (1, 1, lambda a: Typed(f"({a[0].sql} IS NULL OR {text(a[0])} = '')", "boolean")),
    "isblank": (1, 1, lambda a: Typed(f"({a[0].sql} IS NULL OR trim({text(a[0])}) = '')", "boolean")),
    "coalesce": (1, None, _coalesce),
    "strlen": (1, 1, lambda a: _number(f"length({text(a[0])})")),
    "toupper": (1, 1, lambda a: _string(f"upper({text(a[0])})")),
    "tolower": (1, 1, lambda a: _string(f"lower({text(a[0])})")),
    "concat": (1, None, lambda a: _string(f"concat({', '.join(text(x) for x in a)})")),
    "substr": (2, 3, _substr),
    "replace": (3, 3, lambda a: _string(f"replace({text(a[0])}, {text(a[1])}, {text(a[2])})")),
    "trim": (1, 1, lambda a: _string(f"trim({text(a[0])})")),
    "ltrim": (1, 1, lambda a: _string(f"ltrim({text(a[0])})")),
    "rtrim": (1, 1, lambda a: _string(f"rtrim({text(a[0])})")),
    "strcontains": (2, 2, lambda a: _number(f"(CASE WHEN strpos({text(a[0])}, {text(a[1])}) > 0 THEN 1 ELSE 0 END)")),
    "abs": (1, 1, lambda a: _number(f"abs({numeric(a[0])})")),
    "ceil": (1, 1, lambda a: _number(f"ceil({numeric(a[0])})")),
    "floor": (1, 1, lambda a: _number(f"floor({numeric(a[0])})")),
    "sqrt": (1, 1, lambda a: _number(f"sqrt({numeric(a[0])})")),
    "log": (1, 1, lambda a: _number(f"ln({numeric(a[0])})")),
    "greatest": (1, None, lambda a: _number(f"greatest({', '.join(numeric(x) for x in a)})")),
    "least": (1, None, lambda a: _number(f"least({', '.join(numeric(x) for x in a)})")),
    "frommillis": (1, 1, lambda a: Typed(f"CAST(from_unixtime({numeric(a[0])} / 1000.0) AS timestamp)", "timestamp")),
    "tomillis": (1, 1, lambda a: _number(f"CAST(round(to_unixtime({a[0].sql}) * 1000) AS bigint)")),
}


def _ordered(value: Typed) -> Typed:
    """min() and max() of a JSON or parsed field compare numbers, as Insights does."""
    return Typed(numeric(value), "number") if value.kind == "any" else value


# name → (arguments, translation); `earliest` / `latest` need "@timestamp" (passed as the last argument)
AGGREGATES: dict[str, tuple[int, Callable[[list[Typed]], Typed]]] = {
    "count": (1, lambda a: _number(f"count({a[0].sql})")),
    "count_distinct": (1, lambda a: _number(f"count(DISTINCT {a[0].sql})")),
    "sum": (1, lambda a: _number(f"sum({numeric(a[0])})")),
    "avg": (1, lambda a: _number(f"avg({numeric(a[0])})")),
    "stddev": (1, lambda a: _number(f"stddev({numeric(a[0])})")),
    "min": (1, lambda a: Typed(f"min({_ordered(a[0]).sql})", _ordered(a[0]).kind)),
    "max": (1, lambda a: Typed(f"max({_ordered(a[0]).sql})", _ordered(a[0]).kind)),
    "sortsfirst": (1, lambda a: Typed(f"min({a[0].sql})", a[0].kind)),
    "sortslast": (1, lambda a: Typed(f"max({a[0].sql})", a[0].kind)),
    "pct": (2, lambda a: _number(f"approx_percentile({numeric(a[0])}, {float(a[1].sql) / 100!r})")),
    "earliest": (1, lambda a: Typed(f'min_by({a[0].sql}, "@timestamp")', a[0].kind)),
    "latest": (1, lambda a: Typed(f'max_by({a[0].sql}, "@timestamp")', a[0].kind)),
}

PERIOD_FUNCTIONS = frozenset({"bin", "datefloor", "dateceil"})
