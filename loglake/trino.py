"""Trino through its DB-API client, kept thin: run one statement, page its results, typed by Trino.

For teams that run Trino themselves (self-hosted, EMR, Starburst) and for the local node of
`loglake.trino_node`. The client pages through the statement's result pages itself; values arrive
typed (bigint → int, double → float, decimal → Decimal, timestamp → datetime, date → date).
The connection is made by `connect`, so tests can hand in another; the client library is imported
there, so commands that don't use Trino don't load it.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

from loglake.query_engine import Result

DEFAULT_CATALOG = "hive"
DEFAULT_SCHEMA = "loglake"
PASSWORD_VARIABLE = "LOGLAKE_TRINO_PASSWORD"


class TrinoError(RuntimeError):
    """A statement Trino refused or failed, or a server that could not be reached; the message says which."""


@dataclass(frozen=True)
class Target:
    """Where statements run: the server, the catalog and schema they see, and who runs them."""

    server: str
    catalog: str = DEFAULT_CATALOG
    schema: str = DEFAULT_SCHEMA
    user: str = "loglake"


class Cursor(Protocol):
    description: Any
    stats: dict[str, Any]
    query_id: str | None

    def execute(self, operation: str) -> Any: ...

    def fetchall(self) -> list[list[Any]]: ...


class Connection(Protocol):
    def cursor(self) -> Any: ...

    def close(self) -> None: ...


def connect(target: Target, password: str | None = None) -> Connection:
    """A DB-API connection to `target.server` (http:// or https://); a password needs https://."""
    url = urlsplit(target.server)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise TrinoError(f"--server {target.server!r}: expected http://host:port or https://host:port")
    secret = os.environ.get(PASSWORD_VARIABLE) if password is None else password
    if secret and url.scheme != "https":
        raise TrinoError(f"{PASSWORD_VARIABLE} is set: Trino accepts a password only over https://")
    import trino.dbapi
    from trino.auth import BasicAuthentication

    connection: Connection = trino.dbapi.Connection(
        host=url.hostname,
        port=url.port or (443 if url.scheme == "https" else 8080),
        http_scheme=url.scheme,
        user=target.user,
        catalog=target.catalog,
        schema=target.schema,
        auth=BasicAuthentication(target.user, secret) if secret else None,
        source="loglake",
    )
    return connection


def _reason(error: Exception) -> str:
    import trino.exceptions

    if isinstance(error, trino.exceptions.TrinoQueryError):
        return f"{error.error_name}: {error.message}"
    return str(error) or type(error).__name__


class Trino:
    """Runs statements on one `Target`, one line of progress per statement on `progress` (stderr)."""

    def __init__(self, connection: Connection, target: Target, *, progress: TextIO | None = None) -> None:
        self.connection = connection
        self.target = target
        self.progress = progress if progress is not None else sys.stderr

    def query(self, sql: str) -> Result:
        """Run one statement and return all its rows (DDL returns what Trino answers, often nothing)."""
        import trino.exceptions

        began = time.monotonic()
        cursor: Cursor = self.connection.cursor()
        try:
            cursor.execute(sql.strip().rstrip(";"))
            rows = cursor.fetchall()
        except (trino.exceptions.Error, trino.exceptions.HttpError, OSError) as error:
            where = f"{self.target.server} ({self.target.catalog}.{self.target.schema})"
            raise TrinoError(f"Trino at {where}: {_reason(error)}") from error
        columns = [column[0] for column in cursor.description or []]
        self._show(cursor, len(rows), time.monotonic() - began)
        return Result(columns, [tuple(row) for row in rows])

    def execute(self, sql: str) -> None:
        self.query(sql)

    def _show(self, cursor: Cursor, rows: int, elapsed: float) -> None:
        stats = cursor.stats or {}
        processed = stats.get("processedBytes", 0) or 0
        query_id = (cursor.query_id or "")[:24]
        line = f"trino {query_id}: {stats.get('state', 'FINISHED')} {elapsed:5.1f}s  {rows} rows"
        self.progress.write(f"{line}  {processed / 1e6:,.1f} MB processed\n")
        self.progress.flush()

    def close(self) -> None:
        self.connection.close()
