"""`loglake metric-filter` on DuckDB and on Trino: per-period values worked out by hand from the events below."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loglake.cli import main
from tests.loglake.cwlogs_query.doc_lake import ingest, payload_at
from tests.loglake.cwlogs_query.engines import ENGINES, engine_args

T0 = 1795755600000  # 2026-11-27T05:00:00Z
MINUTE = 60_000
EVENTS = [
    (T0 + 30_000, '{"level": "INFO", "latency": 120}'),
    (T0 + 70_000, '{"level": "ERROR", "latency": 300}'),
    (T0 + 299_000, '{"level": "ERROR", "latency": 80}'),
    (T0 + 6 * MINUTE, '{"level": "INFO", "latency": 50}'),
    (T0 + 11 * MINUTE, '{"level": "ERROR", "latency": "n/a"}'),
    (T0 + 11 * MINUTE + 30_000, "not json at all: ERROR"),
]
ACCESS = [
    (T0 + 10_000, '10.0.0.1 - - [27/Nov/2026:05:00:10 +0000] "GET /a HTTP/1.1" 200 512'),
    (T0 + 20_000, '10.0.0.2 - - [27/Nov/2026:05:00:20 +0000] "GET /b HTTP/1.1" 500 128'),
    (T0 + 90_000, '10.0.0.3 - - [27/Nov/2026:05:01:30 +0000] "GET /c HTTP/1.1" 503 64'),
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("metric") / "lake"
    ingest(lake, [payload_at("/app/api", EVENTS), payload_at("/app/access", ACCESS)])
    return lake


@pytest.fixture(scope="module", params=ENGINES)
def on(request: pytest.FixtureRequest, lake: Path) -> list[str]:
    """The arguments that run a command over the lake on DuckDB or on Trino."""
    return engine_args(request, request.param, lake, "cwl_metric")


def metric(on: list[str], capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    code = main(["metric-filter", *on, "--format", "json", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    rows: list[dict[str, object]] = json.loads(captured.out)
    return rows


def test_count_per_period_skips_periods_without_matches(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # Given ERROR events at 05:01:10, 05:04:59 and 05:11:00 (and INFO at 05:00:30, 05:06:00)
    rows = metric(on, capsys, "--log-group", "/app/api", '{ $.level = "ERROR" }')
    # Then 5-minute periods 05:00 (2 matches of 3 events) and 05:10 (1 of 2); 05:05 has none: no row
    assert [(r["period"], r["value"], r["matches"], r["events"]) for r in rows] == [
        ("2026-11-27 05:00:00.000", 2.0, 2, 3),
        ("2026-11-27 05:10:00.000", 1.0, 1, 2),
    ]


def test_default_value_fills_periods_with_events_but_no_match(
    on: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = metric(on, capsys, "--log-group", "/app/api", "--default-value", "0", '{ $.level = "ERROR" }')
    assert [(r["period"], r["value"]) for r in rows] == [
        ("2026-11-27 05:00:00.000", 2.0),
        ("2026-11-27 05:05:00.000", 0.0),
        ("2026-11-27 05:10:00.000", 1.0),
    ]


def test_value_from_a_json_field_sums_the_matches_and_counts_those_without_a_number(
    on: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = metric(on, capsys, "--log-group", "/app/api", "--value", "$.latency", '{ $.level = "ERROR" }')
    # 300 + 80 in the first period; the 05:11 match carries "n/a", not a number
    assert [(r["value"], r["matches"], r["matches_without_value"]) for r in rows] == [(380.0, 2, 0), (None, 1, 1)]


def test_value_from_a_space_delimited_field_and_a_one_minute_period(
    on: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    pattern = "[ip, identity, user, time, request, status = 5*, bytes]"
    rows = metric(on, capsys, "--log-group", "/app/access", "--period", "1m", "--value", "$bytes", pattern)
    assert [(r["period"], r["value"]) for r in rows] == [
        ("2026-11-27 05:00:00.000", 128.0),
        ("2026-11-27 05:01:00.000", 64.0),
    ]
    rows = metric(on, capsys, "--log-group", "/app/access", "--period", "1h", "--value", "10", pattern)
    assert [(r["value"], r["matches"], r["events"]) for r in rows] == [(20.0, 2, 3)]


def test_bad_period_and_value_are_clear_errors(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["metric-filter", "--lake", str(lake), "--period", "5x", "ERROR"])
    assert "not a period: '5x'" in capsys.readouterr().err
    assert main(["metric-filter", "--lake", str(lake), "--value", "$bytes", "ERROR"]) == 2
    assert "a value needs a JSON or space-delimited pattern" in capsys.readouterr().err
    assert main(["metric-filter", "--lake", str(lake), "--value", "$size", "[a, b]"]) == 2
    assert "no field 'size' in the pattern" in capsys.readouterr().err
