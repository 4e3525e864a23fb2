"""What every query engine answers with, and the one protocol they share: the local lake (DuckDB), Athena, Trino.

No engine is imported here: the CLI, the report and the output renderers depend on this module only,
so a command pays for the engine it runs and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

UNSAFE_FLAG = "--unsafe-allow-writes"  # the opt-out of the read-only check (`loglake.statements`)


class QueryError(RuntimeError):
    """A query that could not be transpiled or run; the message names the cause."""


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class QueryEngine(Protocol):
    """Runs one Athena (Trino) SQL statement and returns its rows: `loglake.engine.LocalEngine`,
    `loglake.athena.Athena`, `loglake.trino.Trino`."""

    def query(self, sql: str) -> Result: ...
