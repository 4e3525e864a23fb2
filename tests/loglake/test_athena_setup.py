"""`loglake athena setup` as a plan of statements, run against a stubbed Athena."""

from __future__ import annotations

import io
from typing import Any

import pytest

from loglake.athena import Athena, Target
from loglake.athena_setup import NAMED_QUERY_PREFIX, run_setup, statements
from loglake.questions import load_questions
from loglake.setup_plan import SetupError
from loglake.views import ordered_views
from schemas.glue import glue_ddl
from schemas.lake import EVENT_OBJECTS
from tests.loglake.athena_stubs import execution, stubbed_client

LOCATION = "s3://my-lake/lake/events/"


def test_the_plan_creates_the_database_then_the_table_then_every_view() -> None:
    views = ordered_views()
    planned = statements("logs", LOCATION, views)
    assert planned[0].sql == "CREATE DATABASE IF NOT EXISTS `logs`" and not planned[0].in_database
    table, commits = planned[1].sql, planned[2].sql
    assert table == glue_ddl(EVENT_OBJECTS, "logs", LOCATION).strip().rstrip(";")
    assert "'projection.enabled' = 'true'" in table and "s3://my-lake/lake/events/dt=${dt}/hour=${hour}/" in table
    assert "`logs`.`events_commits`" in commits and "s3://my-lake/lake/events_commits/dt=${dt}/hour=${hour}/" in commits
    assert [s.sql for s in planned[3:]] == [v.sql for v in views]
    assert views[0].name == "events"  # every other view reads it
    assert all(s.in_database for s in planned[1:])


def test_recreating_the_table_drops_it_first() -> None:
    planned = statements("logs", LOCATION, [], recreate_table=True)
    assert [s.sql.split(" (")[0] for s in planned[1:]] == [
        "DROP TABLE IF EXISTS `logs`.`events_objects`",
        "CREATE EXTERNAL TABLE IF NOT EXISTS `logs`.`events_objects`",
        "DROP TABLE IF EXISTS `logs`.`events_commits`",
        "CREATE EXTERNAL TABLE IF NOT EXISTS `logs`.`events_commits`",
    ]


@pytest.mark.parametrize(("database", "location"), [("Logs-Prod", LOCATION), ("logs", "/tmp/lake"), ("logs", "s3://")])
def test_bad_names_are_refused_before_anything_runs(database: str, location: str) -> None:
    with pytest.raises(SetupError):
        statements(database, location, [])


def test_setup_runs_every_statement_and_syncs_the_named_queries_idempotently() -> None:
    # Given an Athena where one saved question already exists unchanged and one is outdated
    questions = load_questions()
    planned = statements("logs", LOCATION, ordered_views())
    client, stub = stubbed_client()
    sent: list[dict[str, Any]] = []
    client.meta.events.register(
        "provide-client-params.athena.StartQueryExecution", lambda params, **_: sent.append(params)
    )
    for i, _ in enumerate(planned):
        stub.add_response("start_query_execution", {"QueryExecutionId": f"q-{i}"})
        stub.add_response(
            "get_query_execution",
            execution(f"q-{i}", "SUCCEEDED", statement_type="DDL"),
            {"QueryExecutionId": f"q-{i}"},
        )
    same, outdated = questions[0], questions[1]
    existing = [
        {
            "NamedQueryId": "id-1",
            "Name": NAMED_QUERY_PREFIX + same.name,
            "Description": same.purpose,
            "Database": "logs",
            "QueryString": same.sql.strip(),
        },
        {
            "NamedQueryId": "id-2",
            "Name": NAMED_QUERY_PREFIX + outdated.name,
            "Description": "old",
            "Database": "logs",
            "QueryString": "SELECT 1",
        },
    ]
    stub.add_response("list_named_queries", {"NamedQueryIds": ["id-1", "id-2"]}, {"WorkGroup": "analysts"})
    stub.add_response(
        "batch_get_named_query",
        {"NamedQueries": existing, "UnprocessedNamedQueryIds": []},
        {"NamedQueryIds": ["id-1", "id-2"]},
    )
    stub.add_response(
        "update_named_query",
        {},
        {
            "NamedQueryId": "id-2",
            "Name": NAMED_QUERY_PREFIX + outdated.name,
            "Description": outdated.purpose,
            "QueryString": outdated.sql.strip(),
        },
    )
    for question in questions[2:]:
        params = {
            "Name": NAMED_QUERY_PREFIX + question.name,
            "Description": question.purpose,
            "Database": "logs",
            "QueryString": question.sql.strip(),
            "WorkGroup": "analysts",
        }
        stub.add_response("create_named_query", {"NamedQueryId": f"new-{question.name}"}, params)
    athena = Athena(client, Target("logs", "analysts"), sleep=lambda _: None, progress=io.StringIO())
    # When the setup runs
    with stub:
        summary = run_setup(athena, planned, questions, report=lambda _: None)
        stub.assert_no_pending_responses()
    # Then every statement ran in order, in the workgroup, and each question has one named query
    assert [p["QueryString"] for p in sent] == [s.sql for s in planned]
    assert all(p["WorkGroup"] == "analysts" for p in sent)
    assert "QueryExecutionContext" not in sent[0] and all(
        p["QueryExecutionContext"] == {"Database": "logs"} for p in sent[1:]
    )
    outcomes = summary.named_queries
    assert outcomes[NAMED_QUERY_PREFIX + same.name] == "unchanged"
    assert outcomes[NAMED_QUERY_PREFIX + outdated.name] == "updated"
    assert sorted(outcomes.values()).count("created") == len(questions) - 2
