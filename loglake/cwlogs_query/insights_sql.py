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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    Parse,
    Query,
    Sort,
    Stats,
    Unary,
)
from loglake.cwlogs_query.insights_expr_sql import Namespace, quote, translate
from loglake.cwlogs_query.insights_functions import (
    AGGREGATES,
    Typed,
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


@dataclass
class _State(Namespace):
    ctes: list[str] = field(default_factory=list)
    source: str = "q0"
    order: list[tuple[str, bool]] = field(default_factory=list)
    display: list[Item] | None = None
    shown: list[Item] = field(default_factory=list)
    limit: int | None = None
    group_keys: list[str] = field(default_factory=list)

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
        value = translate(state, item.expr)
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
        translate(state, item.expr)  # an unknown field is an error here, where it is written
    state.display = list(command.items)


def _filter(state: _State, command: Filter) -> None:
    condition = translate(state, command.condition)
    state.add_cte(f"SELECT {state.column_list()} FROM {state.source} WHERE {condition.sql}")


def _parse(state: _State, command: Parse) -> None:
    source = text(translate(state, command.source))
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
        value = translate(state, key.expr)
        if value.kind == "any":
            state.order.append((numeric(value), key.descending))
        state.order.append((value.sql, key.descending))


def _limit(state: _State, command: Limit) -> None:
    state.add_cte(f"SELECT {state.column_list()} FROM {state.source}{_order_by(state)} LIMIT {command.count}")
    state.limit = command.count if state.limit is None else min(state.limit, command.count)


def _dedup(state: _State, command: Dedup) -> None:
    keys = [translate(state, f).sql for f in command.fields]
    order = _order_by(state) or ' ORDER BY "@timestamp" DESC'
    numbered = f"SELECT *, row_number() OVER (PARTITION BY {', '.join(keys)}{order}) AS __n FROM {state.source}"
    nulls = " OR ".join(f"{k} IS NULL" for k in keys)
    state.add_cte(f"SELECT {state.column_list()} FROM ({numbered}) AS numbered WHERE __n = 1 OR {nulls}")


def _stats(state: _State, command: Stats) -> None:
    by = [(item.name, translate(state, item.expr)) for item in command.by]
    aliases: dict[str, Typed] = {}
    outputs: list[tuple[str, Typed]] = []
    for item in command.aggregates:
        value = translate(state, item.expr, aggregates=aliases)
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
    select = ", ".join(f"{translate(state, item.expr).sql} AS {quote(item.name)}" for item in items)
    limit = min(state.limit, DEFAULT_LIMIT) if state.limit is not None else DEFAULT_LIMIT
    ctes = "WITH " + ",\n".join(state.ctes) + "\n"
    return f"{ctes}SELECT {select} FROM {state.source}{_order_by(state)} LIMIT {limit}"
