"""The Athena view files of loglake/sql/views, in an order Athena can create them (dependencies first).

sqlglot is imported only to parse them: listing the files (`view_files`) is free, so the local engine
can tell from a cache whether it needs the parser at all (`loglake.sql_cache`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from loglake.resources import package_dir

if TYPE_CHECKING:
    from sqlglot import exp

VIEWS_DIR = package_dir("sql", "views")


def view_files(directory: Path = VIEWS_DIR) -> list[Path]:
    return sorted(directory.glob("*.sql"))


def tables_used(tree: exp.Expr) -> frozenset[str]:
    """The names of the tables and views a statement reads (its own CTEs excluded)."""
    from sqlglot import exp

    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    return frozenset(t.name for t in tree.find_all(exp.Table) if t.name not in ctes)


class ViewError(ValueError):
    pass


@dataclass(frozen=True)
class View:
    name: str
    sql: str
    uses: frozenset[str]  # the names of the tables and views it reads


def parse_view(path: Path) -> View:
    import sqlglot
    from sqlglot import exp

    sql = path.read_text(encoding="utf-8").strip().rstrip(";")
    try:
        tree = sqlglot.parse_one(sql, read="trino")
    except sqlglot.errors.ParseError as exc:
        raise ViewError(f"{path.name}: not valid Athena SQL: {exc}") from exc
    if not isinstance(tree, exp.Create) or str(tree.args.get("kind", "")).upper() != "VIEW":
        raise ViewError(f"{path.name}: expected one CREATE VIEW statement")
    target = tree.this
    name = target.name if isinstance(target, exp.Table) else target.find(exp.Table).name
    return View(name, sql, tables_used(tree.expression))


def ordered_views(directory: Path = VIEWS_DIR) -> list[View]:
    """Every view of `directory`, each after the views it reads (then by name)."""
    pending = {view.name: view for view in map(parse_view, view_files(directory))}
    done: list[View] = []
    while pending:
        ready = sorted(name for name, view in pending.items() if not (view.uses & pending.keys()) - {name})
        if not ready:
            raise ViewError(f"views depend on each other in a cycle: {', '.join(sorted(pending))}")
        done.extend(pending.pop(name) for name in ready)
    return done
