"""The tree a CloudWatch Logs filter pattern parses into (see `filter_parser` for the grammar).

Three kinds of pattern: terms over the raw text (`TextPattern`), conditions on a JSON message
(`JsonPattern`) and conditions on the fields of a space-delimited message (`DelimitedPattern`).
The evaluator (`filter_eval`) and the SQL translator (`filter_sql`) both walk this tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Operator = Literal["=", "!=", "<", "<=", ">", ">="]
Check = Literal["IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS", "EXISTS"]
Wildcard = Literal["exact", "prefix", "suffix", "contains", "any"]


@dataclass(frozen=True)
class StringValue:
    """A string to compare with: `*` at the start and/or the end is a wildcard; a `*` inside is literal."""

    core: str
    wildcard: Wildcard

    @staticmethod
    def of(text: str) -> StringValue:
        if text.strip("*") == "" and text:
            return StringValue("", "any")
        leading, trailing = text.startswith("*"), text.endswith("*") and len(text) > 1
        core = text[1 if leading else 0 : len(text) - (1 if trailing else 0)]
        kind: Wildcard = (
            "contains" if leading and trailing else "suffix" if leading else "prefix" if trailing else "exact"
        )
        return StringValue(core, kind)

    def matches(self, value: str) -> bool:
        if self.wildcard == "any":
            return True
        if self.wildcard == "prefix":
            return value.startswith(self.core)
        if self.wildcard == "suffix":
            return value.endswith(self.core)
        if self.wildcard == "contains":
            return self.core in value
        return value == self.core


@dataclass(frozen=True)
class NumberValue:
    number: float
    text: str


Value = StringValue | NumberValue


# --- terms -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermGroup:
    """Every `include` term and no `exclude` term appears in the message (case-sensitive substrings)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class TextPattern:
    """Any of the groups matches; no group at all (the empty pattern) matches every event."""

    groups: tuple[TermGroup, ...]


# --- JSON --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selector:
    """`$.a.b[0]`: object keys (str) and array indexes (int), from the root."""

    steps: tuple[str | int, ...]
    text: str


@dataclass(frozen=True)
class JsonComparison:
    selector: Selector
    op: Operator
    value: Value


@dataclass(frozen=True)
class JsonCheck:
    selector: Selector
    check: Check


@dataclass(frozen=True)
class JsonAnd:
    left: JsonExpr
    right: JsonExpr


@dataclass(frozen=True)
class JsonOr:
    left: JsonExpr
    right: JsonExpr


JsonExpr = JsonComparison | JsonCheck | JsonAnd | JsonOr


@dataclass(frozen=True)
class JsonPattern:
    expr: JsonExpr


# --- space-delimited ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldCondition:
    op: Operator
    value: Value


@dataclass(frozen=True)
class Slot:
    """One field of the pattern: its name (None when left empty) and its conditions.

    `conditions` is an OR of ANDs (`&&` binds tighter than `||`); empty means any value.
    """

    name: str | None
    conditions: tuple[tuple[FieldCondition, ...], ...]


@dataclass(frozen=True)
class DelimitedPattern:
    """`before` fields, then `...` (any number of fields) when `ellipsis`, then `after` fields."""

    before: tuple[Slot, ...]
    ellipsis: bool
    after: tuple[Slot, ...]


FilterPattern = TextPattern | JsonPattern | DelimitedPattern
