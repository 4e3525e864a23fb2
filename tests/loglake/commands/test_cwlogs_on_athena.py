"""`loglake filter`, `metric-filter` and `insights` with `--engine athena`: the translated SQL goes to Athena."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from loglake import athena
from loglake.cli import main
from loglake.commands.filter import filter_sql
from loglake.commands.metric_filter import metric_sql
from loglake.cwlogs_query.insights_sql import to_sql
from loglake.cwlogs_query.scope import Scope, parse_time
from tests.loglake.athena_stubs import expect_run, results_page, stubbed_client

ATHENA_ARGS = ["--engine", "athena", "--workgroup", "analysts", "--database", "logs"]


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client, stubber = stubbed_client()

    def connect(region: str | None = None) -> Any:
        return client

    monkeypatch.setattr(athena, "connect", connect)
    stubber.activate()
    yield stubber
    stubber.deactivate()


def answer(stub: Stubber, sql: str, columns: list[tuple[str, str]], rows: list[list[str | None]]) -> None:
    expect_run(stub, sql, "q-1", workgroup="analysts")
    page = results_page(columns, rows, header=True, token=None)
    stub.add_response("get_query_results", page, {"QueryExecutionId": "q-1", "MaxResults": 1000})


def test_filter_count_runs_the_pattern_as_sql_on_athena(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a day and a log group, which bound the partitions Athena reads
    scope = Scope(("/aws/lambda/orders-api",), parse_time("2026-11-27"), parse_time("2026-11-28"))
    answer(stub, filter_sql("?ERROR ?Exception", scope, count=True), [("matches", "bigint")], [["42"]])
    argv = ["--log-group", "/aws/lambda/orders-api", "--since", "2026-11-27", "--until", "2026-11-28"]
    assert main(["filter", *ATHENA_ARGS, *argv, "--count", "?ERROR ?Exception"]) == 0
    assert capsys.readouterr().out.strip() == "42"
    assert "dt >= '2026-11-27'" in filter_sql("ERROR", scope)
    stub.assert_no_pending_responses()


def test_metric_filter_on_athena(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    sql = metric_sql("{ $.latency > 0 }", Scope(), 60, "$.latency", None)
    columns = [("period", "timestamp"), ("value", "double"), ("matches", "bigint"), ("events", "bigint")]
    answer(stub, sql, columns, [["2026-11-27 05:00:00.000", "380.0", "2", "3"]])
    assert (
        main(
            [
                "metric-filter",
                *ATHENA_ARGS,
                "--period",
                "1m",
                "--value",
                "$.latency",
                "--format",
                "json",
                "{ $.latency > 0 }",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["value"] == 380.0 and rows[0]["matches"] == 2


def test_insights_on_athena(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    query = 'filter @type = "REPORT" | stats count(*) by bin(1h)'
    answer(stub, to_sql(query), [("bin(1h)", "timestamp"), ("count(*)", "bigint")], [["2026-11-27 05:00:00.000", "7"]])
    assert main(["insights", *ATHENA_ARGS, "--format", "csv", query]) == 0
    assert capsys.readouterr().out.splitlines() == ["bin(1h),count(*)", "2026-11-27 05:00:00.000,7"]
