"""The thin Athena layer against botocore's Stubber: exact calls, polling with backoff, paging, typing, errors."""

from __future__ import annotations

import datetime as dt
import decimal
import io
from itertools import islice

import pytest

from loglake.athena import Athena, AthenaError, Backoff, NamedQuery, Target
from tests.loglake.athena_stubs import execution, expect_run, results_page, stubbed_client

COLUMNS = [
    ("function_name", "varchar"),
    ("invocations", "bigint"),
    ("p95_ms", "double"),
    ("cold", "boolean"),
    ("hour_start", "timestamp"),
    ("day", "date"),
    ("usd", "decimal"),
]


def athena_with(client: object, sleeps: list[float], progress: io.StringIO, **target: str) -> Athena:
    return Athena(client, Target("logs", **target), sleep=sleeps.append, progress=progress)  # type: ignore[arg-type]


def test_a_query_is_started_polled_with_backoff_and_paged_into_typed_rows() -> None:
    # Given Athena that queues, runs, then returns two pages of results
    client, stub = stubbed_client()
    expect_run(stub, "SELECT 1", "q-1", states=("QUEUED", "RUNNING", "SUCCEEDED"), output_location="s3://r/out/")
    first = [["orders-api", "3237", "217.05", "true", "2026-11-27 05:00:00.000", "2026-11-27", "0.0038"]]
    stub.add_response(
        "get_query_results",
        results_page(COLUMNS, first, header=True, token="t-2"),
        {"QueryExecutionId": "q-1", "MaxResults": 1000},
    )
    second = [["payments", "1796", None, "false", "2026-11-27 06:00:00.000", "2026-11-28", None]]
    stub.add_response(
        "get_query_results",
        results_page(COLUMNS, second, header=False, token=None),
        {"QueryExecutionId": "q-1", "MaxResults": 1000, "NextToken": "t-2"},
    )
    sleeps: list[float] = []
    progress = io.StringIO()
    # When the query runs
    with stub:
        result = athena_with(client, sleeps, progress, output_location="s3://r/out/").query("SELECT 1")
        stub.assert_no_pending_responses()
    # Then the rows of both pages come back typed, without the header row
    assert result.columns == [name for name, _ in COLUMNS]
    assert result.rows == [
        (
            "orders-api",
            3237,
            217.05,
            True,
            dt.datetime(2026, 11, 27, 5),
            dt.date(2026, 11, 27),
            decimal.Decimal("0.0038"),
        ),
        ("payments", 1796, None, False, dt.datetime(2026, 11, 27, 6), dt.date(2026, 11, 28), None),
    ]
    assert sleeps == [0.25, 0.4]  # it waited between polls, longer each time
    assert "RUNNING" in progress.getvalue() and "12.3 MB scanned" in progress.getvalue()


@pytest.mark.parametrize("state", ["FAILED", "CANCELLED"])
def test_a_failed_or_cancelled_query_raises_with_athenas_reason(state: str) -> None:
    client, stub = stubbed_client()
    stub.add_response("start_query_execution", {"QueryExecutionId": "q-2"})
    reason = "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved"
    stub.add_response("get_query_execution", execution("q-2", state, reason=reason), {"QueryExecutionId": "q-2"})
    with stub, pytest.raises(AthenaError, match=f"q-2 {state}: COLUMN_NOT_FOUND"):
        athena_with(client, [], io.StringIO()).query("SELECT nope")


def test_ddl_runs_without_a_database_context_when_asked_and_returns_no_rows() -> None:
    client, stub = stubbed_client()
    expect_run(stub, "CREATE DATABASE IF NOT EXISTS `logs`", "q-3", database=None)
    with stub:
        done = athena_with(client, [], io.StringIO()).execute("CREATE DATABASE IF NOT EXISTS `logs`", in_database=False)
    assert done["Status"]["State"] == "SUCCEEDED"


def test_backoff_grows_to_its_ceiling() -> None:
    assert list(islice(Backoff(first_s=1, factor=2, max_s=5).delays(), 5)) == [1, 2, 4, 5, 5]


def named(name: str, sql: str, database: str = "logs", description: str = "why") -> dict[str, str]:
    return {
        "Name": name,
        "Description": description,
        "Database": database,
        "QueryString": sql,
        "NamedQueryId": f"id-{name}",
        "WorkGroup": "primary",
    }


def test_named_queries_are_listed_by_name_across_pages() -> None:
    client, stub = stubbed_client()
    stub.add_response("list_named_queries", {"NamedQueryIds": ["id-a"], "NextToken": "n"}, {"WorkGroup": "primary"})
    stub.add_response("list_named_queries", {"NamedQueryIds": ["id-b"]}, {"WorkGroup": "primary", "NextToken": "n"})
    stub.add_response(
        "batch_get_named_query",
        {"NamedQueries": [named("a", "SELECT 1"), named("b", "SELECT 2")], "UnprocessedNamedQueryIds": []},
        {"NamedQueryIds": ["id-a", "id-b"]},
    )
    with stub:
        found = athena_with(client, [], io.StringIO()).named_queries()
    assert found == {
        "a": NamedQuery("id-a", "a", "why", "logs", "SELECT 1"),
        "b": NamedQuery("id-b", "b", "why", "logs", "SELECT 2"),
    }


def test_saving_a_named_query_creates_updates_replaces_or_leaves_it() -> None:
    client, stub = stubbed_client()
    stub.add_response(
        "update_named_query", {}, {"NamedQueryId": "id-q", "Name": "q", "Description": "why", "QueryString": "SELECT 2"}
    )
    stub.add_response("delete_named_query", {}, {"NamedQueryId": "id-q"})
    create = {"Name": "q", "Description": "why", "Database": "logs", "QueryString": "SELECT 2", "WorkGroup": "primary"}
    stub.add_response("create_named_query", {"NamedQueryId": "id-new"}, create)
    stub.add_response("create_named_query", {"NamedQueryId": "id-new2"}, create)
    athena = athena_with(client, [], io.StringIO())
    current = NamedQuery("id-q", "q", "why", "logs", "SELECT 2")
    with stub:
        assert athena.save_named_query("q", "why", "SELECT 2", current) == "unchanged"
        assert (
            athena.save_named_query("q", "why", "SELECT 2", NamedQuery("id-q", "q", "why", "logs", "SELECT 1"))
            == "updated"
        )
        assert (
            athena.save_named_query("q", "why", "SELECT 2", NamedQuery("id-q", "q", "why", "other", "SELECT 2"))
            == "updated"
        )
        assert athena.save_named_query("q", "why", "SELECT 2", None) == "created"
        stub.assert_no_pending_responses()
