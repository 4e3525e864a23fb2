"""`loglake athena setup`: the database, the lake's tables (partition projection), the views (`events` first) and the
saved questions as named queries. Every step is idempotent: run it again after pulling new views.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from loglake.athena import Athena
from loglake.questions import Question
from loglake.setup_plan import SetupError, Statement
from loglake.views import View
from schemas.glue import glue_ddl
from schemas.lake import EVENT_COMMITS, EVENT_OBJECTS

NAMED_QUERY_PREFIX = "loglake_"
_DESCRIPTION_LIMIT = 1024  # Athena's limit on a named query's description
_DATABASE = re.compile(r"^[a-z0-9_]{1,255}$")


@dataclass
class SetupSummary:
    statements: list[str] = field(default_factory=list)
    named_queries: dict[str, str] = field(default_factory=dict)  # name → created / updated / unchanged


def check_inputs(database: str, location: str) -> None:
    if not _DATABASE.match(database):
        raise SetupError(f"database {database!r}: use lower-case letters, digits and underscores")
    if not location.startswith("s3://") or len(location.rstrip("/")) <= len("s3://"):
        raise SetupError(f"location {location!r}: expected s3://bucket/prefix/events/")


def statements(database: str, location: str, views: list[View], *, recreate_table: bool = False) -> list[Statement]:
    """The DDL of a setup, in the order it must run (views after the views they read)."""
    check_inputs(database, location)
    commits = location.rstrip("/").rsplit("/", 1)[0] + f"/{EVENT_COMMITS.folder}/"
    tables = [(EVENT_OBJECTS, location), (EVENT_COMMITS, commits)]
    out = [Statement(f"database {database}", f"CREATE DATABASE IF NOT EXISTS `{database}`", in_database=False)]
    for table, where in tables:
        if recreate_table:  # an external table: dropping it leaves the Parquet files alone
            out.append(Statement(f"drop table {table.name}", f"DROP TABLE IF EXISTS `{database}`.`{table.name}`"))
        out.append(Statement(f"table {table.name}", glue_ddl(table, database, where).strip().rstrip(";")))
    out.extend(Statement(f"view {view.name}", view.sql) for view in views)
    return out


def named_query(question: Question) -> tuple[str, str, str]:
    """(name, description, SQL) of a saved question as an Athena named query."""
    return NAMED_QUERY_PREFIX + question.name, question.purpose[:_DESCRIPTION_LIMIT], question.sql.strip()


def run_setup(
    athena: Athena,
    planned: list[Statement],
    questions: list[Question],
    report: Callable[[str], None] = print,
) -> SetupSummary:
    summary = SetupSummary()
    for statement in planned:
        athena.execute(statement.sql, in_database=statement.in_database)
        summary.statements.append(statement.label)
        report(f"created or replaced {statement.label}")
    existing = athena.named_queries()
    for question in questions:
        name, description, sql = named_query(question)
        outcome = athena.save_named_query(name, description, sql, existing.get(name))
        summary.named_queries[name] = outcome
        report(f"named query {name}: {outcome}")
    return summary
