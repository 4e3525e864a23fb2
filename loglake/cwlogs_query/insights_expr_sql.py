"""Logs Insights expressions as typed Athena (Trino) SQL, in the namespace of one step of the query.

A field is a column of the step when a command made it (or it is one of Insights' `@` fields);
before any `stats`, any other name is a field of the event's JSON: the raw message's when it is
JSON, else the `attributes` the parser stored for a structured line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loglake.cwlogs_query.errors import QuerySyntaxError
from loglake.cwlogs_query.filter_sql import literal
from loglake.cwlogs_query.insights_ast import (
    Binary,
    Call,
    Expr,
    Field,
    In,
    Like,
    Literal,
    Period,
    Query,
    Regex,
    Unary,
)
from loglake.cwlogs_query.insights_functions import (
    AGGREGATES,
    PERIOD_FUNCTIONS,
    SCALARS,
    Typed,
    floor_time,
    numeric,
    text,
)

_ARITHMETIC = frozenset("+-*/%^")
_INDEX = re.compile(r"[0-9]+")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def json_field_path(name: str) -> str:
    parts = ["$"]
    for segment in name.split("."):
        if _INDEX.fullmatch(segment):
            parts.append(f"[{segment}]")
        elif _KEY.fullmatch(segment):
            parts.append(f".{segment}")
        else:
            parts.append('["' + segment.replace('"', '\\"') + '"]')
    return "".join(parts)


@dataclass
class Namespace:
    """What a step of the query can name: its columns (name → kind) and, before stats, the events."""

    query: Query
    columns: dict[str, str]
    raw_events: bool = True  # before any stats: JSON fields, @timestamp ordering, the event id

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, self.query.text, position)


def translate(state: Namespace, expr: Expr, aggregates: dict[str, Typed] | None = None) -> Typed:
    """`aggregates`: inside `stats`, where aggregate functions and earlier aliases may appear."""
    if not isinstance(expr, Field | Literal) and state.columns.get(expr.text, "hidden") != "hidden":
        return Typed(quote(expr.text), state.columns[expr.text])  # `sort bin(5m)` after `stats ... by bin(5m)`
    if isinstance(expr, Like):
        return _like(state, expr, aggregates)
    if isinstance(expr, Literal):
        if isinstance(expr.value, float):
            number = int(expr.value) if expr.value.is_integer() else expr.value
            return Typed(repr(number), "number")
        return Typed(literal(expr.value), "string")
    if isinstance(expr, Field):
        return _field(state, expr, aggregates)
    if isinstance(expr, Period):
        raise state.error("a period like 5m belongs in bin() or datefloor()", expr.position)
    if isinstance(expr, Regex):
        raise state.error("a /regex/ belongs after like or =~", expr.position)
    if isinstance(expr, Unary):
        operand = translate(state, expr.operand, aggregates)
        if expr.op == "not":
            return Typed(f"(NOT {operand.sql})", "boolean")
        return Typed(f"(-{numeric(operand)})", "number")
    if isinstance(expr, Binary):
        return _binary(state, expr, aggregates)
    if isinstance(expr, In):
        return _in(state, expr, aggregates)
    return _call(state, expr, aggregates)


def _like(state: Namespace, expr: Like, aggregates: dict[str, Typed] | None) -> Typed:
    operand = text(translate(state, expr.operand, aggregates))
    if isinstance(expr.pattern, Regex):
        test = f"regexp_like({operand}, {literal(expr.pattern.pattern)})"
    else:
        test = f"strpos({operand}, {literal(str(expr.pattern.value))}) > 0"
    return Typed(f"({'NOT ' if expr.negated else ''}{test})", "boolean")


def _field(state: Namespace, expr: Field, aggregates: dict[str, Typed] | None) -> Typed:
    if aggregates is not None and expr.name in aggregates:
        return aggregates[expr.name]
    kind = state.columns.get(expr.name)
    if kind is not None and kind != "hidden":
        return Typed(quote(expr.name), kind)
    if state.raw_events and not expr.name.startswith("@"):
        path = literal(json_field_path(expr.name))
        return Typed(f'coalesce(json_extract_scalar("__doc", {path}), json_extract_scalar("__attrs", {path}))', "any")
    where = "in the events" if state.raw_events else "among the columns stats made"
    raise state.error(f"unknown field {expr.name!r} {where}", expr.position)


def _binary(state: Namespace, expr: Binary, aggregates: dict[str, Typed] | None) -> Typed:
    left, right = translate(state, expr.left, aggregates), translate(state, expr.right, aggregates)
    if expr.op in ("and", "or"):
        return Typed(f"({left.sql} {expr.op.upper()} {right.sql})", "boolean")
    if expr.op in _ARITHMETIC:
        a, b = numeric(left), numeric(right)
        if expr.op == "/":
            return Typed(f"(CAST({a} AS double) / {b})", "number")
        if expr.op == "^":
            return Typed(f"power({a}, {b})", "number")
        return Typed(f"({a} {expr.op} {b})", "number")
    kinds = {left.kind, right.kind}
    if "number" in kinds and kinds <= {"number", "any", "boolean"}:
        a, b = numeric(left), numeric(right)
    elif "string" in kinds and kinds - {"string", "any"}:
        a, b = text(left), text(right)
    else:
        a, b = left.sql, right.sql
    op = "<>" if expr.op == "!=" else expr.op
    return Typed(f"({a} {op} {b})", "boolean")


def _in(state: Namespace, expr: In, aggregates: dict[str, Typed] | None) -> Typed:
    operand = translate(state, expr.operand, aggregates)
    negation = "NOT " if expr.negated else ""
    if all(isinstance(item.value, float) for item in expr.items):
        values = ", ".join(repr(float(item.value)) for item in expr.items)
        return Typed(f"({numeric(operand)} {negation}IN ({values}))", "boolean")

    def as_text(value: str | float) -> str:
        if isinstance(value, float):
            return literal(str(int(value)) if value.is_integer() else repr(value))
        return literal(value)

    values = ", ".join(as_text(item.value) for item in expr.items)
    return Typed(f"({text(operand)} {negation}IN ({values}))", "boolean")


def _call(state: Namespace, expr: Call, aggregates: dict[str, Typed] | None) -> Typed:
    if expr.name in PERIOD_FUNCTIONS:
        return _time_bucket(state, expr, aggregates)
    if expr.name in AGGREGATES:
        if aggregates is None:
            raise state.error(f"{expr.name}() is an aggregate function: use it in stats", expr.position)
        if expr.name == "count" and (expr.star or not expr.args):
            return Typed("count(*)", "number")
        arity, build = AGGREGATES[expr.name]
        if expr.name == "pct" and (len(expr.args) != 2 or not _is_percent(expr.args[1])):
            raise state.error(
                "pct() takes a field and a percentile from 0 to 100, like pct(@duration, 95)", expr.position
            )
        if expr.name in ("earliest", "latest") and not state.raw_events:
            raise state.error(f"{expr.name}() needs the events' @timestamp", expr.position)
        return build(_arguments(state, expr, arity, arity, None))
    if expr.name in SCALARS:
        fewest, most, build = SCALARS[expr.name]
        return build(_arguments(state, expr, fewest, most, aggregates))
    raise state.error(f"unsupported function {expr.name!r}", expr.position)


def _is_percent(expr: Expr) -> bool:
    return isinstance(expr, Literal) and isinstance(expr.value, float) and 0 <= expr.value <= 100


def _arguments(
    state: Namespace, expr: Call, fewest: int, most: int | None, aggregates: dict[str, Typed] | None
) -> list[Typed]:
    if expr.star or len(expr.args) < fewest or (most is not None and len(expr.args) > most):
        wanted = f"{fewest}" if fewest == most else f"{fewest} to {most}" if most else f"at least {fewest}"
        raise state.error(f"{expr.name}() takes {wanted} argument(s), got {len(expr.args)}", expr.position)
    return [translate(state, arg, aggregates) for arg in expr.args]


def _time_bucket(state: Namespace, expr: Call, aggregates: dict[str, Typed] | None) -> Typed:
    wanted = 1 if expr.name == "bin" else 2
    if len(expr.args) != wanted or not isinstance(expr.args[-1], Period):
        shape = "bin(5m)" if expr.name == "bin" else f"{expr.name}(@timestamp, 1h)"
        raise state.error(f"{expr.name}() takes a period, like {shape}", expr.position)
    timestamp = (
        _field(state, Field("@timestamp", expr.position, "@timestamp"), None).sql
        if expr.name == "bin"
        else translate(state, expr.args[0], aggregates).sql
    )
    return Typed(floor_time(timestamp, expr.args[-1].seconds, ceiling=expr.name == "dateceil"), "timestamp")
