"""A filter pattern as an Athena (Trino) SQL predicate over the raw message, with `filter_eval`'s semantics.

Every kind of pattern becomes SQL, so Athena filters the rows and the CLI receives only matches:
terms become `strpos`, JSON patterns read `try(json_parse(raw))` (an event that is not JSON
matches no JSON pattern, as in CloudWatch) and space-delimited patterns split the message with
`regexp_extract_all` and the very field expression `filter_eval` uses. Each leaf is wrapped in
`coalesce(..., false)` so that SQL's NULLs behave like the evaluator's False.
"""

from __future__ import annotations

import re

from loglake.cwlogs_query.filter_ast import (
    DelimitedPattern,
    FieldCondition,
    FilterPattern,
    JsonAnd,
    JsonCheck,
    JsonComparison,
    JsonExpr,
    JsonOr,
    JsonPattern,
    NumberValue,
    Selector,
    Slot,
    StringValue,
    TextPattern,
)
from loglake.cwlogs_query.filter_eval import FIELD
from loglake.cwlogs_query.filter_parser import NUMBER, parse_selector

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSON_NUMBER = "'^-?[0-9]'"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _number(value: float) -> str:
    return f"CAST({value!r} AS double)"


def to_sql(pattern: FilterPattern, message: str = "raw") -> str:
    """A boolean SQL expression: true exactly when `filter_eval.matches(pattern, <message>)`."""
    if isinstance(pattern, TextPattern):
        return _text(pattern, message)
    if isinstance(pattern, JsonPattern):
        document = f"try(json_parse({message}))"
        return f"(coalesce(json_format({document}) LIKE '{{%', false) AND {_json(pattern.expr, document)})"
    return _delimited(pattern, message)


def value_sql(pattern: FilterPattern, name: str, message: str = "raw") -> str:
    """The metric value `name` as a double (NULL when the event has no number there)."""
    if isinstance(pattern, JsonPattern):
        text = _json_text(f"try(json_parse({message}))", parse_selector(name))
        return f"CASE WHEN regexp_like({text}, {_JSON_NUMBER}) THEN CAST({text} AS double) END"
    if isinstance(pattern, DelimitedPattern):
        field = _named_field(pattern, name.removeprefix("$"), message)
        return _as_number(field)
    raise ValueError("only JSON and space-delimited patterns extract values")


# --- terms -------------------------------------------------------------------------------------


def _text(pattern: TextPattern, message: str) -> str:
    if not pattern.groups:
        return "true"
    groups = []
    for group in pattern.groups:
        parts = [f"strpos({message}, {literal(t)}) > 0" for t in group.include]
        parts += [f"strpos({message}, {literal(t)}) = 0" for t in group.exclude]
        groups.append("(" + " AND ".join(f"coalesce({p}, false)" for p in parts) + ")")
    return "(" + " OR ".join(groups) + ")"


def _match(value: StringValue, expr: str) -> str:
    core = value.core
    if value.wildcard == "any":
        return f"({expr} IS NOT NULL)"
    if value.wildcard == "contains":
        return f"(strpos({expr}, {literal(core)}) > 0)"
    if value.wildcard == "prefix":
        return f"({expr} LIKE {literal(_like_escape(core) + '%')} ESCAPE '\\')"
    if value.wildcard == "suffix":
        return f"({expr} LIKE {literal('%' + _like_escape(core))} ESCAPE '\\')"
    return f"({expr} = {literal(core)})"


# --- JSON --------------------------------------------------------------------------------------


def json_path(selector: Selector) -> str:
    parts = ["$"]
    for step in selector.steps:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _IDENTIFIER.fullmatch(step):
            parts.append(f".{step}")
        else:
            parts.append(f'["{step}"]')
    return "".join(parts)


def _json_text(document: str, selector: Selector) -> str:
    """The JSON text of the selected value (`"a"`, `1.5`, `null`, `[...]`), NULL when absent."""
    return f"json_format(json_extract({document}, {literal(json_path(selector))}))"


def _json(expr: JsonExpr, document: str) -> str:
    if isinstance(expr, JsonAnd):
        return f"({_json(expr.left, document)} AND {_json(expr.right, document)})"
    if isinstance(expr, JsonOr):
        return f"({_json(expr.left, document)} OR {_json(expr.right, document)})"
    text = _json_text(document, expr.selector)
    if isinstance(expr, JsonCheck):
        leaf = {
            "IS NULL": f"{text} = 'null'",
            "IS TRUE": f"{text} = 'true'",
            "IS FALSE": f"{text} = 'false'",
            "NOT EXISTS": f"{text} IS NULL",
            "EXISTS": f"{text} IS NOT NULL",
        }[expr.check]
        return f"coalesce({leaf}, false)"
    return f"coalesce({_json_comparison(expr, text, document)}, false)"


def _json_comparison(expr: JsonComparison, text: str, document: str) -> str:
    wanted = expr.value
    if isinstance(wanted, NumberValue):
        number = f"CASE WHEN regexp_like({text}, {_JSON_NUMBER}) THEN CAST({text} AS double) END"
        return f"({number} {expr.op} {_number(wanted.number)})"
    if wanted.wildcard == "any":
        if expr.op == "!=":
            return "false"
        return f"({text} <> 'null' AND {text} NOT LIKE '[%' AND {text} NOT LIKE '{{%')"
    string = f"json_extract_scalar({document}, {literal(json_path(expr.selector))})"
    matched = _match(wanted, string)
    return f"({text} LIKE '\"%' AND {'NOT ' if expr.op == '!=' else ''}{matched})"


# --- space-delimited ---------------------------------------------------------------------------


def _tokens(message: str) -> str:
    return f"regexp_extract_all({message}, {literal(FIELD)})"


def _unwrap(token: str) -> str:
    first, last = f"substr({token}, 1, 1)", f"substr({token}, length({token}), 1)"
    wrapped = f"(({first} = '[' AND {last} = ']') OR ({first} = '\"' AND {last} = '\"'))"
    return f"CASE WHEN length({token}) >= 2 AND {wrapped} THEN substr({token}, 2, length({token}) - 2) ELSE {token} END"


def _field(message: str, index: int) -> str:
    """Field `index`: 1-based from the start, or negative from the end."""
    return _unwrap(f"element_at({_tokens(message)}, {index})")


def _as_number(field: str) -> str:
    number = literal("^" + NUMBER.pattern + "$")
    return f"CASE WHEN regexp_like({field}, {number}) THEN TRY_CAST({field} AS double) END"


def _slot_fields(pattern: DelimitedPattern, message: str) -> list[tuple[Slot, str]]:
    fields = [(slot, _field(message, i + 1)) for i, slot in enumerate(pattern.before)]
    count = len(pattern.after)
    fields += [(slot, _field(message, j - count)) for j, slot in enumerate(pattern.after)]
    return fields


def _named_field(pattern: DelimitedPattern, name: str, message: str) -> str:
    for slot, field in _slot_fields(pattern, message):
        if slot.name == name:
            return field
    if name.isdigit():
        return _field(message, int(name))
    raise ValueError(f"no field {name!r} in the pattern")


def _condition(condition: FieldCondition, field: str) -> str:
    wanted = condition.value
    if isinstance(wanted, NumberValue):
        return f"({_as_number(field)} {condition.op} {_number(wanted.number)})"
    matched = _match(wanted, field)
    return f"(NOT {matched})" if condition.op == "!=" else matched


def _delimited(pattern: DelimitedPattern, message: str) -> str:
    fixed = len(pattern.before) + len(pattern.after)
    parts = [f"cardinality({_tokens(message)}) {'>=' if pattern.ellipsis else '='} {fixed}"]
    for slot, field in _slot_fields(pattern, message):
        if slot.conditions:
            alternatives = [
                "(" + " AND ".join(f"coalesce({_condition(c, field)}, false)" for c in alternative) + ")"
                for alternative in slot.conditions
            ]
            parts.append("(" + " OR ".join(alternatives) + ")")
    return "(" + " AND ".join(parts) + ")"
