"""`loglake filter` on DuckDB and on Trino: every documented case, through the CLI, agrees with the hand-worked matches.

The same cases drive the reference evaluator (tests/loglake/cwlogs_query/test_filter_eval.py), so
the SQL translation and the evaluator agree on every one of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from loglake.cli import main
from loglake.commands.filter import filter_sql
from loglake.cwlogs_query.scope import Scope
from tests.loglake.cwlogs_query.doc_lake import ingest, payload
from tests.loglake.cwlogs_query.engines import ENGINES, engine_args, run_batch
from tests.loglake.cwlogs_query.filter_doc_cases import SECTIONS
from tests.support import ALL_LAMBDA_PAYLOADS, load_payload

CASES = [(section, pattern, expected) for section in SECTIONS for pattern, expected in section.cases]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("filter") / "lake"
    ingest(lake, [payload(s.log_group, list(s.events.values())) for s in SECTIONS])
    return lake


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def on(request: pytest.FixtureRequest, engine: str, lake: Path) -> list[str]:
    """The arguments that run a command over the doc lake on the engine."""
    return engine_args(request, engine, lake, "cwl_filter_doc")


@pytest.fixture(scope="module")
def trino_batch(engine: str, on: list[str]) -> list[list[dict[str, Any]]]:
    """On Trino, every case's matches from one batched query (the SQL `loglake filter` runs for each case)."""
    if engine != "trino":
        return []
    queries = [filter_sql(pattern, Scope((section.log_group,))) for section, pattern, _ in CASES]
    return run_batch(on, queries, ["timestamp", "message"], ["timestamp"])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{s.log_group}:{p}" for s, p, _ in CASES])
def test_filter_returns_the_documented_matches(
    engine: str, on: list[str], trino_batch: list[list[dict[str, Any]]], capsys: pytest.CaptureFixture[str], case: int
) -> None:
    section, pattern, expected = CASES[case]
    # Given a lake holding the documentation's example events, one log group per example
    # When the pattern runs through the CLI: `loglake filter` on DuckDB, its SQL batched with the others on Trino
    if engine == "trino":
        rows = trino_batch[case]
    else:
        code, out, err = run(capsys, "filter", *on, "--log-group", section.log_group, "--format", "json", pattern)
        assert code == 0, err
        rows = json.loads(out)
    # Then the events returned are exactly the ones worked out by hand
    by_message = {message: label for label, message in section.events.items()}
    assert {by_message[row["message"]] for row in rows} == expected


def test_count_prints_the_number_of_matches_like_the_seeds_console_test(
    on: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the seed's nine sample events ("3 matches out of 9 events" in the console)
    # When START is counted over that log group, and over every group
    code, out, _ = run(capsys, "filter", *on, "--log-group", "/aws/lambda/seed", "--count", "START")
    # Then the count is the console's
    assert code == 0 and out.strip() == "3"
    everywhere = sum(sum("START" in m for m in s.events.values()) for s in SECTIONS)
    code, out, _ = run(capsys, "filter", *on, "--count", "START")
    assert code == 0 and int(out) == everywhere


def test_events_come_oldest_first_with_their_group_and_stream(
    on: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "filter", *on, "--format", "json", "--log-group", "/doc/or", "message")
    rows = json.loads(out)
    assert code == 0
    assert [r["message"] for r in rows] == ["ERROR WARN message", "ERROR message", "WARN message"]
    assert {r["log_group"] for r in rows} == {"/doc/or"}
    assert rows[0]["timestamp"] < rows[1]["timestamp"] < rows[2]["timestamp"]


def test_since_and_until_bound_the_events(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # The /doc/or events are at 05:09:26, :27 and :28 UTC on 2026-11-27
    argv = ["filter", *on, "--log-group", "/doc/or", "--format", "json", "message"]
    code, out, _ = run(capsys, *argv, "--since", "2026-11-27T05:09:27", "--until", "2026-11-27T05:09:28")
    assert code == 0
    assert [r["message"] for r in json.loads(out)] == ["ERROR message"]


def test_a_malformed_pattern_is_a_clear_error_with_its_position(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "filter", "--lake", str(lake), "{ $.latency > fast }")
    assert code == 2 and out == ""
    assert "'>' compares numbers: expected a number (at position 15)" in err


def test_print_sql_shows_the_athena_predicate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "filter", "--print-sql", "--log-group", "/aws/lambda/x", "ERROR -Exiting")
    assert code == 0
    assert "strpos(raw, 'ERROR') > 0" in out and "strpos(raw, 'Exiting') = 0" in out
    assert "log_group IN ('/aws/lambda/x')" in out


LAMBDA_JSON_PATTERNS = [
    # (pattern, the same condition in plain Python over the decoded event)
    ('{ $.level = "ERROR" }', lambda d: d.get("level") == "ERROR"),
    (
        "{ $.level = * || $.log_level = ERROR }",
        lambda d: isinstance(d.get("level"), str) or d.get("log_level") == "ERROR",
    ),
    (
        '{ $.type = "platform.*" && $.record.metrics.durationMs > 31.3 }',
        lambda d: (
            str(d.get("type", "")).startswith("platform.")
            and d.get("record", {}).get("metrics", {}).get("durationMs", 0) > 31.3
        ),
    ),
    ("{ $.cold_start IS TRUE }", lambda d: d.get("cold_start") is True),
    ("{ $.record.requestId NOT EXISTS }", lambda d: "requestId" not in d.get("record", {})),
]


@pytest.fixture(scope="module")
def lambda_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("lambda") / "lake"
    ingest(lake, [load_payload(name) for name in ALL_LAMBDA_PAYLOADS])
    return lake


@pytest.fixture(scope="module")
def on_lambda(request: pytest.FixtureRequest, engine: str, lambda_lake: Path) -> list[str]:
    return engine_args(request, engine, lambda_lake, "cwl_filter_lambda")


@pytest.fixture(scope="module")
def lambda_trino_batch(engine: str, on_lambda: list[str]) -> list[list[dict[str, Any]]]:
    if engine != "trino":
        return []
    queries = [filter_sql(pattern, Scope()) for pattern, _ in LAMBDA_JSON_PATTERNS]
    return run_batch(on_lambda, queries, ["timestamp", "message"], ["timestamp", "message"])


@pytest.mark.parametrize("case", range(len(LAMBDA_JSON_PATTERNS)), ids=[p for p, _ in LAMBDA_JSON_PATTERNS])
def test_json_patterns_on_lambda_json_logs(
    engine: str,
    on_lambda: list[str],
    lambda_trino_batch: list[list[dict[str, Any]]],
    capsys: pytest.CaptureFixture[str],
    case: int,
) -> None:
    pattern, condition = LAMBDA_JSON_PATTERNS[case]
    # Given the lake of the repository's Lambda payloads (text and JSON log formats)
    messages = [e["message"] for name in ALL_LAMBDA_PAYLOADS for e in load_payload(name)["logEvents"]]
    decoded = [json.loads(m) for m in messages if m.startswith("{")]
    expected = sorted(json.dumps(d) for d in decoded if condition(d))
    # When the JSON pattern runs through the CLI (on Trino: batched with the others)
    if engine == "trino":
        rows = lambda_trino_batch[case]
    else:
        code, out, err = run(capsys, "filter", *on_lambda, "--format", "json", pattern)
        assert code == 0, err
        rows = json.loads(out)
    # Then exactly the JSON events the plain-Python condition selects come back (text lines never match)
    assert sorted(json.dumps(json.loads(row["message"])) for row in rows) == expected
    assert expected, "the pattern selects something"
