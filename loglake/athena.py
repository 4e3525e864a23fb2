"""Athena through boto3, kept thin: run one statement, wait for it, page its results; save named queries.

Everything else (which statements to run, in which order) lives in pure modules; this one only talks
to the service. The client is passed in, so tests drive it with botocore's Stubber.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from loglake.athena_types import convert
from loglake.query_engine import Result
from loglake.statements import check_read_only_sql

if TYPE_CHECKING:
    from mypy_boto3_athena import AthenaClient
    from mypy_boto3_athena.type_defs import QueryExecutionTypeDef

DONE = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
PAGE_SIZE = 1000
NAMED_QUERY_BATCH = 50


class AthenaError(RuntimeError):
    """A query Athena refused, failed or cancelled; the message carries Athena's reason."""


def connect(region: str | None = None) -> AthenaClient:
    """An Athena client from the usual credential chain (environment, profile, role)."""
    import boto3

    client: AthenaClient = boto3.client("athena", region_name=region)
    return client


@dataclass(frozen=True)
class Target:
    """Where queries run: the database they see, the workgroup, and (optionally) where results go."""

    database: str
    workgroup: str = "primary"
    output_location: str | None = None


@dataclass(frozen=True)
class Backoff:
    """Polling delays: `first_s`, then x `factor` each time, never above `max_s`."""

    first_s: float = 0.25
    factor: float = 1.6
    max_s: float = 5.0

    def delays(self) -> Iterator[float]:
        delay = self.first_s
        while True:
            yield delay
            delay = min(self.max_s, delay * self.factor)


@dataclass(frozen=True)
class NamedQuery:
    id: str
    name: str
    description: str
    database: str
    sql: str


class Athena:
    """Runs statements on one `Target`, showing progress on `progress` (stderr by default).

    `query` runs read-only queries only (no UNLOAD, CTAS, INSERT, DDL…: `loglake.statements.check_read_only`)
    unless `allow_writes`; `execute` is for loglake's own statements (`athena setup`'s DDL).
    """

    def __init__(
        self,
        client: AthenaClient,
        target: Target,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        progress: TextIO | None = None,
        allow_writes: bool = False,
    ) -> None:
        self.client = client
        self.allow_writes = allow_writes
        self.target = target
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.progress = progress if progress is not None else sys.stderr

    def start(self, sql: str, *, in_database: bool = True) -> str:
        params: dict[str, Any] = {"QueryString": sql, "WorkGroup": self.target.workgroup}
        if in_database:
            params["QueryExecutionContext"] = {"Database": self.target.database}
        if self.target.output_location:
            params["ResultConfiguration"] = {"OutputLocation": self.target.output_location}
        return self.client.start_query_execution(**params)["QueryExecutionId"]

    def wait(self, query_id: str) -> QueryExecutionTypeDef:
        """Poll until the query is done; raise `AthenaError` unless it succeeded."""
        began = time.monotonic()
        for delay in self.backoff.delays():
            execution = self.client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
            state = execution.get("Status", {}).get("State", "QUEUED")
            self._show(query_id, state, execution, time.monotonic() - began)
            if state in DONE:
                break
            self.sleep(delay)
        self.progress.write("\n")
        if state != "SUCCEEDED":
            status = execution.get("Status", {})
            reason = status.get("StateChangeReason") or status.get("AthenaError", {}).get("ErrorMessage")
            raise AthenaError(f"query {query_id} {state}: {reason or 'no reason given'}")
        return execution

    def _show(self, query_id: str, state: str, execution: QueryExecutionTypeDef, elapsed: float) -> None:
        scanned = execution.get("Statistics", {}).get("DataScannedInBytes", 0)
        line = f"athena {query_id[:8]}: {state:<9} {elapsed:5.1f}s  {scanned / 1e6:,.1f} MB scanned"
        self.progress.write("\r" + line)
        self.progress.flush()

    def execute(self, sql: str, *, in_database: bool = True) -> QueryExecutionTypeDef:
        """Run a statement (DDL) to completion."""
        return self.wait(self.start(sql, in_database=in_database))

    def query(self, sql: str) -> Result:
        """Run a query and return all its rows, typed by the result set's column types."""
        if not self.allow_writes:
            check_read_only_sql(sql)
        execution = self.execute(sql)
        return self.results(execution["QueryExecutionId"], execution.get("StatementType", "DML"))

    def results(self, query_id: str, statement_type: str = "DML") -> Result:
        columns: list[str] = []
        types: list[str] = []
        rows: list[tuple[Any, ...]] = []
        token: str | None = None
        first_page = True
        while True:
            params: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": PAGE_SIZE}
            if token:
                params["NextToken"] = token
            page = self.client.get_query_results(**params)
            result_set = page["ResultSet"]
            if first_page:
                info = result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
                columns = [c["Name"] for c in info]
                types = [c["Type"] for c in info]
            cells = [[d.get("VarCharValue") for d in r.get("Data", [])] for r in result_set.get("Rows", [])]
            if first_page and statement_type == "DML" and cells and cells[0] == columns:
                cells = cells[1:]  # a SELECT's first row repeats the column names
            rows.extend(tuple(convert(v, t) for v, t in zip(row, types, strict=False)) for row in cells)
            token, first_page = page.get("NextToken"), False
            if not token:
                return Result(columns, rows)

    def named_queries(self) -> dict[str, NamedQuery]:
        """The workgroup's named queries by name."""
        ids: list[str] = []
        for page in self.client.get_paginator("list_named_queries").paginate(WorkGroup=self.target.workgroup):
            ids.extend(page.get("NamedQueryIds", []))
        found: dict[str, NamedQuery] = {}
        for start in range(0, len(ids), NAMED_QUERY_BATCH):
            batch = self.client.batch_get_named_query(NamedQueryIds=ids[start : start + NAMED_QUERY_BATCH])
            for item in batch.get("NamedQueries", []):
                found[item["Name"]] = NamedQuery(
                    item.get("NamedQueryId", ""),
                    item["Name"],
                    item.get("Description", ""),
                    item["Database"],
                    item["QueryString"],
                )
        return found

    def save_named_query(self, name: str, description: str, sql: str, existing: NamedQuery | None) -> str:
        """Create, update or leave alone the named query `name`: returns 'created', 'updated' or 'unchanged'."""
        database = self.target.database
        if existing is not None and (existing.sql, existing.description, existing.database) == (
            sql,
            description,
            database,
        ):
            return "unchanged"
        if existing is not None and existing.database == database:
            self.client.update_named_query(
                NamedQueryId=existing.id, Name=name, Description=description, QueryString=sql
            )
            return "updated"
        if existing is not None:  # a named query cannot move to another database: replace it
            self.client.delete_named_query(NamedQueryId=existing.id)
        self.client.create_named_query(
            Name=name, Description=description, Database=database, QueryString=sql, WorkGroup=self.target.workgroup
        )
        return "created" if existing is None else "updated"
