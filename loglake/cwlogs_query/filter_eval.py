"""The reference: does a filter pattern match one log event message, and what does it extract?

Semantics (AWS CloudWatch Logs documentation, "Filter and Pattern Syntax"; where the page is
silent, the rule chosen here is written down and `filter_sql` follows it exactly):

- Terms are case-sensitive substrings of the message (`ERROR` matches `ERRORCODE`); every term
  of a group must appear, no `-term`; groups started by `?` are alternatives.
- JSON patterns apply to messages that are a JSON object. A comparison needs the selector to
  reach a scalar: a number for numeric comparisons, a string for string ones (`*` alone matches any
  string, number or boolean). A selector that reaches nothing, null, an array or an object makes
  both `=` and `!=` false. `IS NULL`: present and null; `NOT EXISTS`: absent; `EXISTS`: present.
- Space-delimited patterns split the message into fields: `[...]` and `"..."` are one field each
  (without the brackets or quotes), any other run of non-blank characters is one field. The number
  of fields must equal the pattern's, or be at least the number of named fields with `...`.
  A numeric condition needs a field that is a number.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from typing import Any

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
    TextPattern,
)
from loglake.cwlogs_query.filter_parser import NUMBER, parse_selector

FIELD = r'\[[^\]]*\]|"[^"]*"|[^ \t\r\n\f]+'
"""One field of a space-delimited message; the SQL translation uses this very expression."""

_FIELD = re.compile(FIELD)
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_MISSING = object()


def matches(pattern: FilterPattern, message: str) -> bool:
    if isinstance(pattern, TextPattern):
        return _text_matches(pattern, message)
    if isinstance(pattern, JsonPattern):
        document = _json_object(message)
        return document is not None and _json_matches(pattern.expr, document)
    return delimited_fields(pattern, message) is not None


def extract(pattern: FilterPattern, message: str, name: str) -> float | None:
    """The metric value `name` (`$.a.b` for JSON, `$field` or `$3` for space-delimited) as a number."""
    if isinstance(pattern, JsonPattern):
        document = _json_object(message)
        if document is None:
            return None
        value = _resolve(document, parse_selector(name))
        return float(value) if _is_number(value) else None
    if isinstance(pattern, DelimitedPattern):
        fields = delimited_fields(pattern, message) or {}
        text = fields.get(name.removeprefix("$"))
        return float(text) if text is not None and NUMBER.fullmatch(text) else None
    return None


# --- terms -------------------------------------------------------------------------------------


def _text_matches(pattern: TextPattern, message: str) -> bool:
    if not pattern.groups:
        return True
    return any(
        all(term in message for term in group.include) and not any(term in message for term in group.exclude)
        for group in pattern.groups
    )


# --- JSON --------------------------------------------------------------------------------------


def _json_object(message: str) -> dict[str, Any] | None:
    try:
        document = json.loads(message)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _resolve(document: Any, selector: Selector) -> Any:
    node = document
    for step in selector.steps:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return _MISSING
            node = node[step]
        else:
            if not isinstance(node, dict) or step not in node:
                return _MISSING
            node = node[step]
    return node


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_matches(expr: JsonExpr, document: dict[str, Any]) -> bool:
    if isinstance(expr, JsonAnd):
        return _json_matches(expr.left, document) and _json_matches(expr.right, document)
    if isinstance(expr, JsonOr):
        return _json_matches(expr.left, document) or _json_matches(expr.right, document)
    value = _resolve(document, expr.selector)
    if isinstance(expr, JsonCheck):
        return {
            "IS NULL": value is None,
            "IS TRUE": value is True,
            "IS FALSE": value is False,
            "NOT EXISTS": value is _MISSING,
            "EXISTS": value is not _MISSING,
        }[expr.check]
    return _compare_json(expr, value)


def _compare_json(expr: JsonComparison, value: Any) -> bool:
    wanted = expr.value
    if isinstance(wanted, NumberValue):
        return _is_number(value) and _COMPARE[expr.op](float(value), wanted.number)
    if wanted.wildcard == "any":
        scalar = isinstance(value, str | bool) or _is_number(value)
        return scalar and expr.op == "="
    if not isinstance(value, str):
        return False
    return wanted.matches(value) == (expr.op == "=")


# --- space-delimited ---------------------------------------------------------------------------


def split_fields(message: str) -> list[str]:
    """The fields of a space-delimited message, brackets and quotes removed."""
    return [_unwrap(token) for token in _FIELD.findall(message)]


def _unwrap(token: str) -> str:
    if len(token) >= 2 and ((token[0], token[-1]) in (("[", "]"), ('"', '"'))):
        return token[1:-1]
    return token


def delimited_fields(pattern: DelimitedPattern, message: str) -> dict[str, str] | None:
    """The named and numbered (`1`, `2`...) fields when the pattern matches, else None."""
    fields = split_fields(message)
    fixed = len(pattern.before) + len(pattern.after)
    if len(fields) < fixed or (not pattern.ellipsis and len(fields) != fixed):
        return None
    aligned = list(zip(pattern.before, fields, strict=False))
    tail = fields[len(fields) - len(pattern.after) :] if pattern.after else []
    aligned += list(zip(pattern.after, tail, strict=True))
    if not all(_slot_matches(slot, text) for slot, text in aligned):
        return None
    found = {str(i + 1): text for i, text in enumerate(fields)}
    found.update({slot.name: text for slot, text in aligned if slot.name})
    return found


def _slot_matches(slot: Slot, text: str) -> bool:
    if not slot.conditions:
        return True
    return any(all(_condition_holds(c, text) for c in alternative) for alternative in slot.conditions)


def _condition_holds(condition: FieldCondition, text: str) -> bool:
    wanted = condition.value
    if isinstance(wanted, NumberValue):
        return NUMBER.fullmatch(text) is not None and _COMPARE[condition.op](float(text), wanted.number)
    return wanted.matches(text) == (condition.op == "=")
