"""botocore Stubber helpers for the Athena tests: a stubbed client and canned Athena responses."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

Columns = list[tuple[str, str]]  # (name, Athena type)


def stubbed_client() -> tuple[Any, Stubber]:
    client = boto3.client(
        "athena", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    return client, Stubber(client)


def execution(query_id: str, state: str, *, reason: str | None = None, statement_type: str = "DML") -> dict[str, Any]:
    status: dict[str, Any] = {"State": state}
    if reason:
        status["StateChangeReason"] = reason
    return {
        "QueryExecution": {
            "QueryExecutionId": query_id,
            "StatementType": statement_type,
            "Status": status,
            "Statistics": {"DataScannedInBytes": 12_345_678, "EngineExecutionTimeInMillis": 850},
        }
    }


def results_page(columns: Columns, rows: list[list[str | None]], *, header: bool, token: str | None) -> dict[str, Any]:
    data = [[{"VarCharValue": name} for name, _ in columns]] if header else []
    data += [[{} if v is None else {"VarCharValue": v} for v in row] for row in rows]
    page: dict[str, Any] = {
        "ResultSet": {
            "Rows": [{"Data": d} for d in data],
            "ResultSetMetadata": {
                "ColumnInfo": [{"Name": n, "Label": n, "Type": t, "CatalogName": "hive"} for n, t in columns]
            },
        }
    }
    if token:
        page["NextToken"] = token
    return page


def expect_run(
    stub: Stubber,
    sql: str,
    query_id: str,
    *,
    database: str | None = "logs",
    states: tuple[str, ...] = ("SUCCEEDED",),
    **start: Any,
) -> None:
    """A statement started with exactly these parameters, then polled through `states`."""
    params: dict[str, Any] = {"QueryString": sql, "WorkGroup": start.get("workgroup", "primary")}
    if database:
        params["QueryExecutionContext"] = {"Database": database}
    if start.get("output_location"):
        params["ResultConfiguration"] = {"OutputLocation": start["output_location"]}
    stub.add_response("start_query_execution", {"QueryExecutionId": query_id}, params)
    for state in states:
        stub.add_response("get_query_execution", execution(query_id, state), {"QueryExecutionId": query_id})
