"""The tree a Logs Insights query parses into (see `insights_parser` for the grammar).

Every node keeps `text`, the query text it was read from: Insights names a result column after
the expression as written (`count(*)`, `bin(5m)`, `avg(@duration)`) unless `as` names it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    text: str
    position: int


@dataclass(frozen=True)
class Literal(Node):
    value: str | float


@dataclass(frozen=True)
class Period(Node):
    """`5m`, `1h`...: a time period, argument of bin() and datefloor()."""

    seconds: int


@dataclass(frozen=True)
class Regex(Node):
    pattern: str


@dataclass(frozen=True)
class Field(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-" or "not"
    operand: Expr


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / % ^ = != < <= > >= and or
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Like(Node):
    """`like` and `=~`: a substring (Literal) or a regular expression (Regex)."""

    operand: Expr
    pattern: Literal | Regex
    negated: bool


@dataclass(frozen=True)
class In(Node):
    operand: Expr
    items: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class Call(Node):
    name: str  # lower case
    args: tuple[Expr, ...]
    star: bool = False  # count(*)


Expr = Literal | Period | Regex | Field | Unary | Binary | Like | In | Call


@dataclass(frozen=True)
class Item:
    """An expression and its `as` alias; `name` is what the result column is called."""

    expr: Expr
    alias: str | None

    @property
    def name(self) -> str:
        if self.alias is not None:
            return self.alias
        return self.expr.name if isinstance(self.expr, Field) else self.expr.text


@dataclass(frozen=True)
class Fields(Node):
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Display(Node):
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Filter(Node):
    condition: Expr


@dataclass(frozen=True)
class Stats(Node):
    aggregates: tuple[Item, ...]
    by: tuple[Item, ...]


@dataclass(frozen=True)
class SortKey:
    expr: Expr
    descending: bool


@dataclass(frozen=True)
class Sort(Node):
    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class Limit(Node):
    count: int


@dataclass(frozen=True)
class Parse(Node):
    """`parse FIELD "glob * text" as a, b` or `parse FIELD /(?<a>...)/`: a regex with one group per name."""

    source: Expr
    regex: str
    names: tuple[str, ...]
    groups: tuple[int, ...]  # the capturing group of each name, 1-based


@dataclass(frozen=True)
class Dedup(Node):
    fields: tuple[Field, ...]


Command = Fields | Display | Filter | Stats | Sort | Limit | Parse | Dedup


@dataclass(frozen=True)
class Query:
    text: str
    commands: tuple[Command, ...]
