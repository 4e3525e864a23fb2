"""A Logs Insights query as one Athena (Trino) SQL statement over `events`.

Each command becomes one common table expression over the previous one, so commands apply in the
order written, as in Insights. The first reads `events` and names its columns as Insights names
its fields: `@timestamp`, `@message` (the raw event), `@logStream`, `@log` (account:group),
`@ingestionTime` (when loglake parsed the event), `@requestId`, and from Lambda REPORT lines
`@type`, `@duration`, `@billedDuration`, `@memorySize` and `@maxMemoryUsed` (bytes, as Insights
reports them), `@initDuration`, `@xrayTraceId`. Any other name is a field of the event's JSON,
nested ones dotted (`a.b`, array items `a.0.b`): the raw message's when it is JSON, else the
stored `attributes` of a structured line.

Without `sort` the rows come most recent first (after `stats`: by the `by` fields); without
`limit`, at most 10,000 rows (Insights' default); without `fields` or `display`, `@timestamp` and
`@message` (after `stats`: its columns, `by` fields first).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loglake.cwlogs_query.errors import QuerySyntaxError
from loglake.cwlogs_query.filter_sql import literal
from loglake.cwlogs_query.insights_ast import (
    Binary,
    Call,
    Dedup,
    Display,
    Expr,
    Field,
    Fields,
    Filter,
    In,
    Item,
    Like,
    Limit,
    Literal,
    Parse,
    Period,
    Query,
    Regex,
    Sort,
    Stats,
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
from loglake.cwlogs_query.insights_parser import parse_insights
from loglake.cwlogs_query.scope import Scope

DEFAULT_LIMIT = 10_000
_HIDDEN = ("__doc", "__attrs", "__id")
_LAMBDA_TYPES = "CASE record_type WHEN 'start' THEN 'START' WHEN 'end' THEN 'END' WHEN 'report' THEN 'REPORT' END"
BASE_FIELDS: dict[str, Typed] = {
    "@timestamp": Typed("event_time", "timestamp"),
    "@message": Typed("raw", "string"),
    "@logStream": Typed("log_stream", "string"),
    "@log": Typed("concat(account_id, ':', log_group)", "string"),
    "@ingestionTime": Typed("ingest_time", "timestamp"),
    "@requestId": Typed("request_id", "string"),
    "@type": Typed(_LAMBDA_TYPES, "string"),
    "@duration": Typed("duration_ms", "number"),
    "@billedDuration": Typed("billed_duration_ms", "number"),
    "@memorySize": Typed("CAST(memory_size_mb AS bigint) * 1000000", "number"),
    "@maxMemoryUsed": Typed("CAST(max_memory_used_mb AS bigint) * 1000000", "number"),
    "@initDuration": Typed("init_duration_ms", "number"),
    "@xrayTraceId": Typed("trace_id", "string"),
}
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
class _State:
    query: Query
    columns: dict[str, str]  # name → kind, in order
    ctes: list[str] = field(default_factory=list)
    source: str = "q0"
    raw_events: bool = True  # before any stats: JSON fields, @timestamp ordering, the event id
    order: list[tuple[str, bool]] = field(default_factory=list)
    display: list[Item] | None = None
    shown: list[Item] = field(default_factory=list)
    limit: int | None = None
    group_keys: list[str] = field(default_factory=list)

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, self.query.text, position)

    def add_cte(self, body: str) -> None:
        name = f"q{len(self.ctes)}"
        self.ctes.append(f"{name} AS ({body})")
        self.source = name

    def column_list(self, replaced: dict[str, str] | None = None) -> str:
        replaced = replaced or {}
        names = [quote(n) for n in self.columns if n not in replaced]
        names += [f"{sql} AS {quote(n)}" for n, sql in replaced.items()]
        return ", ".join(names)


def to_sql(query: str | Query, scope: Scope | None = None) -> str:
    """One SQL statement answering the Insights query; raises QuerySyntaxError on what it can't translate."""
    parsed = parse_insights(query) if isinstance(query, str) else query
    state = _State(parsed, {name: typed.kind for name, typed in BASE_FIELDS.items()})
    base = [f"{typed.sql} AS {quote(name)}" for name, typed in BASE_FIELDS.items()]
    base += ['try(json_parse(raw)) AS "__doc"', 'try(json_parse(attributes)) AS "__attrs"', 'event_id AS "__id"']
    state.add_cte(f"SELECT {', '.join(base)} FROM events WHERE {(scope or Scope()).where()}")
    state.columns.update({name: "hidden" for name in _HIDDEN})
    for command in parsed.commands:
        _COMMANDS[type(command)](state, command)
    return _final(state)


# --- commands ----------------------------------------------------------------------------------


def _fields(state: _State, command: Fields) -> None:
    added: dict[str, str] = {}
    for item in command.items:
        value = _expr(state, item.expr)
        if isinstance(item.expr, Field) and item.alias is None and item.expr.name in state.columns:
            pass
        else:
            added[item.name] = value.sql
            state.columns[item.name] = value.kind
        state.shown.append(Item(Field(item.name, item.expr.position, item.name), None))
    if added:
        state.add_cte(f"SELECT {state.column_list(added)} FROM {state.source}")


def _display(state: _State, command: Display) -> None:
    for item in command.items:
        _expr(state, item.expr)  # an unknown field is an error here, where it is written
    state.display = list(command.items)


def _filter(state: _State, command: Filter) -> None:
    condition = _expr(state, command.condition)
    state.add_cte(f"SELECT {state.column_list()} FROM {state.source} WHERE {condition.sql}")


def _parse(state: _State, command: Parse) -> None:
    source = text(_expr(state, command.source))
    pattern = literal(command.regex)
    added = {
        name: f"CASE WHEN regexp_like({source}, {pattern}) THEN regexp_extract({source}, {pattern}, {group}) END"
        for name, group in zip(command.names, command.groups, strict=True)
    }
    state.columns.update(dict.fromkeys(command.names, "any"))
    state.add_cte(f"SELECT {state.column_list(added)} FROM {state.source}")


def _sort(state: _State, command: Sort) -> None:
    """A JSON or parsed field sorts as a number where it holds one (then as text), as in Insights."""
    state.order = []
    for key in command.keys:
        value = _expr(state, key.expr)
        if value.kind == "any":
            state.order.append((numeric(value), key.descending))
        state.order.append((value.sql, key.descending))


def _limit(state: _State, command: Limit) -> None:
    state.add_cte(f"SELECT {state.column_list()} FROM {state.source}{_order_by(state)} LIMIT {command.count}")
    state.limit = command.count if state.limit is None else min(state.limit, command.count)


def _dedup(state: _State, command: Dedup) -> None:
    keys = [_expr(state, f).sql for f in command.fields]
    order = _order_by(state) or ' ORDER BY "@timestamp" DESC'
    numbered = f"SELECT *, row_number() OVER (PARTITION BY {', '.join(keys)}{order}) AS __n FROM {state.source}"
    nulls = " OR ".join(f"{k} IS NULL" for k in keys)
    state.add_cte(f"SELECT {state.column_list()} FROM ({numbered}) AS numbered WHERE __n = 1 OR {nulls}")


def _stats(state: _State, command: Stats) -> None:
    by = [(item.name, _expr(state, item.expr)) for item in command.by]
    aliases: dict[str, Typed] = {}
    outputs: list[tuple[str, Typed]] = []
    for item in command.aggregates:
        value = _expr(state, item.expr, aggregates=aliases)
        if not _has_aggregate(item.expr, aliases):
            raise state.error("stats needs an aggregate function (count, sum, avg, pct...)", item.expr.position)
        aliases[item.name] = value
        outputs.append((item.name, value))
    select = [f"{v.sql} AS {quote(n)}" for n, v in by + outputs]
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    state.add_cte(f"SELECT {', '.join(select)} FROM {state.source}{group}")
    state.columns = {name: value.kind for name, value in by + outputs}
    state.raw_events = False
    state.group_keys = [quote(name) for name, _ in by]
    state.order, state.display, state.shown = [], None, []


_COMMANDS: dict[type, Callable[[_State, Any], None]] = {
    Fields: _fields,
    Display: _display,
    Filter: _filter,
    Parse: _parse,
    Sort: _sort,
    Limit: _limit,
    Dedup: _dedup,
    Stats: _stats,
}


def _has_aggregate(expr: Expr, aliases: dict[str, Typed]) -> bool:
    if isinstance(expr, Call) and expr.name in AGGREGATES:
        return True
    if isinstance(expr, Field):
        return expr.name in aliases
    children: tuple[Expr, ...] = ()
    if isinstance(expr, Binary):
        children = (expr.left, expr.right)
    elif isinstance(expr, Unary | Like | In):
        children = (expr.operand,)
    elif isinstance(expr, Call):
        children = expr.args
    return any(_has_aggregate(child, aliases) for child in children)


def _order_by(state: _State) -> str:
    if state.order:
        return " ORDER BY " + ", ".join(f"{sql}{' DESC' if desc else ''}" for sql, desc in state.order)
    if state.raw_events:
        return ' ORDER BY "@timestamp" DESC, "__id"'
    if state.group_keys:
        return " ORDER BY " + ", ".join(state.group_keys)
    return ""


def _final(state: _State) -> str:
    items = state.display if state.display is not None else state.shown
    if not items:
        if state.raw_events:
            items = [Item(Field(n, 0, n), None) for n in ("@timestamp", "@message")]
        else:
            items = [Item(Field(n, 0, n), None) for n in state.columns]
    select = ", ".join(f"{_expr(state, item.expr).sql} AS {quote(item.name)}" for item in items)
    limit = min(state.limit, DEFAULT_LIMIT) if state.limit is not None else DEFAULT_LIMIT
    ctes = "WITH " + ",\n".join(state.ctes) + "\n"
    return f"{ctes}SELECT {select} FROM {state.source}{_order_by(state)} LIMIT {limit}"


# --- expressions -------------------------------------------------------------------------------


def _expr(state: _State, expr: Expr, aggregates: dict[str, Typed] | None = None) -> Typed:
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
        operand = _expr(state, expr.operand, aggregates)
        if expr.op == "not":
            return Typed(f"(NOT {operand.sql})", "boolean")
        return Typed(f"(-{numeric(operand)})", "number")
    if isinstance(expr, Binary):
        return _binary(state, expr, aggregates)
    if isinstance(expr, In):
        return _in(state, expr, aggregates)
    return _call(state, expr, aggregates)


def _like(state: _State, expr: Like, aggregates: dict[str, Typed] | None) -> Typed:
    operand = text(_expr(state, expr.operand, aggregates))
    if isinstance(expr.pattern, Regex):
        test = f"regexp_like({operand}, {literal(expr.pattern.pattern)})"
    else:
        test = f"strpos({operand}, {literal(str(expr.pattern.value))}) > 0"
    return Typed(f"({'NOT ' if expr.negated else ''}{test})", "boolean")


def _field(state: _State, expr: Field, aggregates: dict[str, Typed] | None) -> Typed:
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


def _binary(state: _State, expr: Binary, aggregates: dict[str, Typed] | None) -> Typed:
    left, right = _expr(state, expr.left, aggregates), _expr(state, expr.right, aggregates)
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


def _in(state: _State, expr: In, aggregates: dict[str, Typed] | None) -> Typed:
    operand = _expr(state, expr.operand, aggregates)
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


def _call(state: _State, expr: Call, aggregates: dict[str, Typed] | None) -> Typed:
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
    state: _State, expr: Call, fewest: int, most: int | None, aggregates: dict[str, Typed] | None
) -> list[Typed]:
    if expr.star or len(expr.args) < fewest or (most is not None and len(expr.args) > most):
        wanted = f"{fewest}" if fewest == most else f"{fewest} to {most}" if most else f"at least {fewest}"
        raise state.error(f"{expr.name}() takes {wanted} argument(s), got {len(expr.args)}", expr.position)
    return [_expr(state, arg, aggregates) for arg in expr.args]


def _time_bucket(state: _State, expr: Call, aggregates: dict[str, Typed] | None) -> Typed:
    wanted = 1 if expr.name == "bin" else 2
    if len(expr.args) != wanted or not isinstance(expr.args[-1], Period):
        shape = "bin(5m)" if expr.name == "bin" else f"{expr.name}(@timestamp, 1h)"
        raise state.error(f"{expr.name}() takes a period, like {shape}", expr.position)
    timestamp = (
        _field(state, Field("@timestamp", expr.position, "@timestamp"), None).sql
        if expr.name == "bin"
        else _expr(state, expr.args[0], aggregates).sql
    )
    return Typed(floor_time(timestamp, expr.args[-1].seconds, ceiling=expr.name == "dateceil"), "timestamp")
