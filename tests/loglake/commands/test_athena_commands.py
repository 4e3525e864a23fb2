"""`loglake sql --engine athena`, `loglake ask --engine athena` and `loglake athena setup` on a stubbed Athena."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import Stubber

from loglake import athena
from loglake.athena_setup import NAMED_QUERY_PREFIX, statements
from loglake.cli import main
from loglake.questions import load_questions
from loglake.views import ordered_views
from tests.loglake.athena_stubs import execution, expect_run, results_page, stubbed_client

ATHENA_ARGS = ["--engine", "athena", "--workgroup", "analysts", "--database", "logs"]


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Stubber:
    client, stubber = stubbed_client()
    regions: list[str | None] = []

    def connect(region: str | None = None) -> Any:
        regions.append(region)
        return client

    monkeypatch.setattr(athena, "connect", connect)
    stubber.activate()
    yield stubber
    stubber.deactivate()
    assert regions and set(regions) <= {None, "eu-west-1"}


def test_sql_on_athena_prints_typed_rows(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    # Given Athena that runs the query and returns two rows
    sql = "SELECT function_name, count(*) AS n FROM lambda_invocations GROUP BY 1"
    expect_run(stub, sql, "q-1", states=("RUNNING", "SUCCEEDED"), workgroup="analysts", output_location="s3://r/")
    columns = [("function_name", "varchar"), ("n", "bigint")]
    page = results_page(columns, [["orders-api", "3237"], ["payments", "1796"]], header=True, token=None)
    stub.add_response("get_query_results", page, {"QueryExecutionId": "q-1", "MaxResults": 1000})
    # When `loglake sql --engine athena` runs it
    code = main(["sql", *ATHENA_ARGS, "--output-location", "s3://r/", "--region", "eu-west-1", "--format", "json", sql])
    # Then the rows are printed as typed JSON and the progress went to stderr
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out) == [{"function_name": "orders-api", "n": 3237}, {"function_name": "payments", "n": 1796}]
    assert "SUCCEEDED" in err
    stub.assert_no_pending_responses()


def test_a_failed_athena_query_is_a_clear_error(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    stub.add_response("start_query_execution", {"QueryExecutionId": "q-9"})
    reason = "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.logs.nope' does not exist"
    stub.add_response("get_query_execution", execution("q-9", "FAILED", reason=reason), {"QueryExecutionId": "q-9"})
    code = main(["sql", *ATHENA_ARGS, "SELECT * FROM nope"])
    assert code == 1
    assert "loglake sql: query q-9 FAILED: TABLE_NOT_FOUND" in capsys.readouterr().err


def test_ask_sends_the_saved_question_to_athena(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    question = next(q for q in load_questions() if q.name == "errors_by_function")
    expect_run(stub, question.sql, "q-2", workgroup="analysts")
    columns = [("function_name", "varchar"), ("failure_pct", "double")]
    stub.add_response(
        "get_query_results",
        results_page(columns, [["payments", "3.17"]], header=True, token=None),
        {"QueryExecutionId": "q-2", "MaxResults": 1000},
    )
    assert main(["ask", *ATHENA_ARGS, "--format", "csv", "errors_by_function"]) == 0
    assert capsys.readouterr().out.splitlines() == ["function_name,failure_pct", "payments,3.17"]


def test_athena_setup_creates_everything_and_reports_it(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    # Given an empty Athena workgroup
    location = "s3://my-lake/lake/events/"
    planned = statements("logs", location, ordered_views())
    for i, statement in enumerate(planned):
        expect_run(
            stub, statement.sql, f"q-{i}", database="logs" if statement.in_database else None, workgroup="analysts"
        )
    stub.add_response("list_named_queries", {}, {"WorkGroup": "analysts"})
    questions = load_questions()
    for q in questions:
        params = {
            "Name": NAMED_QUERY_PREFIX + q.name,
            "Description": q.purpose,
            "Database": "logs",
            "QueryString": q.sql.strip(),
            "WorkGroup": "analysts",
        }
        stub.add_response("create_named_query", {"NamedQueryId": q.name}, params)
    # When `loglake athena setup` runs
    code = main(["athena", "setup", "--database", "logs", "--workgroup", "analysts", "--location", location])
    # Then every statement ran and every question became a named query
    out = capsys.readouterr().out
    assert code == 0
    stub.assert_no_pending_responses()
    views = len(ordered_views())
    assert (
        f"database logs, table events, {views} views, {len(questions)} named queries ({len(questions)} created" in out
    )


def test_athena_setup_refuses_a_location_outside_s3(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["athena", "setup", "--database", "logs", "--location", "/tmp/lake"])
    assert code == 2
    assert "expected s3://" in capsys.readouterr().err
