"""SQL and the reference evaluator agree on awkward events: the CLI's matches equal `filter_eval`'s, on DuckDB and Trino.

The events are edge cases of the rules in loglake/cwlogs_query/filter_eval.py (unterminated brackets
and quotes, numbers written every way, JSON values of every type, text that is not JSON); the
patterns exercise each rule. Expected results are the evaluator's, which the documented cases pin.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from loglake.cli import main
from loglake.commands.filter import filter_sql
from loglake.cwlogs_query.filter_eval import matches
from loglake.cwlogs_query.filter_parser import parse_filter_pattern
from loglake.cwlogs_query.scope import Scope
from tests.loglake.cwlogs_query.doc_lake import ingest, payload
from tests.loglake.cwlogs_query.engines import ENGINES, engine_args, run_batch

EVENTS = [
    "GET /a 200 1.5",
    "GET /b 404 +7",
    "GET /c 500 1e3",
    "GET /d 503 .5",
    "GET /e 200 1.",
    "GET /f abc -",
    'POST "/g h" 201 12',
    "PUT [/i j] 204 0",
    "DELETE [unterminated 500 9",
    'PATCH "unterminated 500 9',
    "[a][b] 200 3",
    "tabs\tand  spaces 200 4",
    "100% of_the_time 50_50 _ 5",
    '{"level": "ERROR", "latency": 120, "tags": ["a", "b"], "user": {"id": 7, "name": "Zoë"}}',
    '{"level": "WARN", "latency": "120", "ok": false, "nothing": null}',
    '{"level": "ERROR", "latency": 99.5, "ok": true, "user": "anonymous"}',
    '{"user-id": "u-1", "n": -3, "e": 2.5e2}',
    '["not", "an", "object"]',
    '{"broken": ',
    "ERROR and error and Error",
]

PATTERNS = [
    "ERROR",
    "error -latency",
    "?ERROR ?WARN -latency",
    '"and  spaces"',
    "100% _",
    "{ $.level = ERROR }",
    "{ $.level != ERROR }",
    "{ $.latency > 100 }",
    "{ $.latency = 120 }",
    '{ $.latency = "120" }',
    "{ $.latency = * }",
    "{ $.ok IS FALSE || $.ok IS TRUE }",
    "{ $.nothing IS NULL }",
    "{ $.nothing NOT EXISTS }",
    "{ $.tags[1] = b && $.user.id >= 7 }",
    "{ $.user.name = Z* }",
    "{ $.user = * }",
    "{ $.user-id = u-* }",
    "{ $.n < -2 && $.e = 250 }",
    "{ $.level EXISTS }",
    "[method, path, status, size]",
    "[method, path, status = 5*, size]",
    "[method, path, status >= 400, size > 1]",
    "[method, path, status != 200, size]",
    "[..., size < 2]",
    "[method = GET, ...]",
    "[method, path = *j*, ...]",
    "[..., status, size = -]",
    "[first, ..., last = 9]",
    "[a, b, c, d, e]",
    "[..., x = 5* || x = 4*, y]",
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("differential") / "lake"
    ingest(lake, [payload("/edge/cases", EVENTS)])
    return lake


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def on(request: pytest.FixtureRequest, engine: str, lake: Path) -> list[str]:
    return engine_args(request, engine, lake, "cwl_filter_edges")


@pytest.fixture(scope="module")
def trino_batch(engine: str, on: list[str]) -> list[list[dict[str, Any]]]:
    """On Trino, every pattern's matches from one batched query (the SQL `loglake filter` runs for each)."""
    if engine != "trino":
        return []
    return run_batch(on, [filter_sql(p, Scope()) for p in PATTERNS], ["timestamp", "message"], ["timestamp"])


@pytest.mark.parametrize("case", range(len(PATTERNS)), ids=PATTERNS)
def test_sql_matches_exactly_what_the_evaluator_matches(
    engine: str, on: list[str], trino_batch: list[list[dict[str, Any]]], capsys: pytest.CaptureFixture[str], case: int
) -> None:
    pattern = PATTERNS[case]
    expected = [m for m in EVENTS if matches(parse_filter_pattern(pattern), m)]
    if engine == "trino":
        rows = trino_batch[case]
    else:
        assert main(["filter", *on, "--format", "json", pattern]) == 0
        rows = json.loads(capsys.readouterr().out)
    assert [row["message"] for row in rows] == expected


def test_the_edge_cases_are_not_trivial() -> None:
    # Every pattern matches something and misses something, so agreement means something
    for pattern in PATTERNS:
        hits = sum(matches(parse_filter_pattern(pattern), m) for m in EVENTS)
        assert 0 < hits < len(EVENTS), pattern


def test_a_json_null_reads_as_the_text_null_and_a_missing_key_as_sql_null(
    on: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the reads the translation is built on (IS NULL, NOT EXISTS and `= *` tell these apart)
    sql = (
        "SELECT json_format(json_extract(json_parse('{\"a\": null, \"b\": 1}'), '$.a')) AS null_value, "
        "json_extract(json_parse('{\"a\": null, \"b\": 1}'), '$.c') IS NULL AS missing_is_sql_null, "
        "json_extract_scalar(json_parse('{\"a\": null, \"b\": 1}'), '$.a') IS NULL AS scalar_of_null_is_sql_null, "
        "json_format(json_extract(json_parse('{\"a\": null, \"b\": 1}'), '$.b')) AS number_text"
    )
    # When they run through the CLI on the engine
    assert main(["sql", *on, "--format", "json", sql]) == 0
    # Then json_extract keeps a JSON null (its text is 'null'), and only a missing key gives SQL NULL
    assert json.loads(capsys.readouterr().out) == [
        {
            "null_value": "null",
            "missing_is_sql_null": True,
            "scalar_of_null_is_sql_null": True,
            "number_text": "1",
        }
    ]
