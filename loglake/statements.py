"""One Athena (Trino) statement, parsed and checked: queries only, unless the caller opts out.

The check is shared by every engine (the local lake, Athena): a statement that is not a query, or
holds a write anywhere inside, is refused before it runs.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from loglake.query_engine import UNSAFE_FLAG, QueryError

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


def is_read_only(tree: exp.Expr) -> bool:
    """A query (SELECT, WITH … SELECT, VALUES) with no write anywhere inside."""
    return isinstance(tree, _QUERY_TYPES) and not any(isinstance(node, _WRITE_NODES) for node in tree.walk())


def check_read_only(tree: exp.Expr) -> None:
    """A query reads; anything else (DDL, INSERT, COPY, UNLOAD, SET, PRAGMA, ATTACH…) is refused."""
    if is_read_only(tree):
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
