"""API Gateway and application log views against ground truth, and every view through the CLI."""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict

import pytest

from loglake.cli import main
from loglake.engine import LocalEngine
from loglake.synth import ApiRequest
from loglake.views import view_files
from tests.synthetic_world import World, assert_percentile, truncate

HOUR_MS = 3_600_000


def test_every_request_is_named_by_its_api_and_stage_whatever_the_access_log_format(
    world: World, engine: LocalEngine
) -> None:
    requests = world.dataset.requests
    assert len({r.access_format for r in requests}) == 5  # CLF, JSON, CSV, XML presets and a custom JSON
    rows = engine.query(
        "SELECT api, stage, status_class, throttled, count(*) FROM apigw_requests GROUP BY 1, 2, 3, 4"
    ).rows
    got = {(api, stage, cls, throttled): n for api, stage, cls, throttled, n in rows}
    want = Counter((r.api_id, r.stage, f"{r.status_code // 100}xx", r.status_code == 429) for r in requests)
    assert got == dict(want)


def test_hourly_api_traffic_errors_throttling_latency_and_top_path(world: World, engine: LocalEngine) -> None:
    # Given the truth grouped by the hour each response was logged
    hours: dict[object, list[ApiRequest]] = defaultdict(list)
    for req in world.dataset.requests:
        hours[truncate(req.end_ms, HOUR_MS)].append(req)
    # When the hourly view is read
    rows = {r["hour_start"]: r for r in engine.query("SELECT * FROM apigw_hourly").records()}
    # Then each hour has the true counts, rates, latency and most requested path
    assert set(rows) == set(hours)
    for hour, reqs in hours.items():
        row, codes = rows[hour], [r.status_code for r in reqs]
        assert (row["api"], row["stage"]) == (reqs[0].api_id, reqs[0].stage)
        assert (row["requests"], row["status_2xx"], row["status_4xx"], row["status_5xx"], row["status_429"]) == (
            len(reqs),
            sum(200 <= c < 300 for c in codes),
            sum(400 <= c < 500 for c in codes),
            sum(c >= 500 for c in codes),
            codes.count(429),
        )
        assert row["rate_5xx"] == pytest.approx(sum(c >= 500 for c in codes) / len(reqs))
        assert row["rate_429"] == pytest.approx(codes.count(429) / len(reqs))
        timed = [r.latency_ms for r in reqs if r.access_format == "custom_json"]  # the format with latencies
        if timed:
            assert row["avg_latency_ms"] == pytest.approx(statistics.fmean(timed), rel=0.005)
            for q in (0.50, 0.95, 0.99):
                assert_percentile(row[f"p{round(q * 100)}_latency_ms"], timed, q)
        else:
            assert row["p95_latency_ms"] is None
        paths = Counter(f"{r.http_method} {r.resource_path}" for r in reqs)
        top = max(paths.values())
        assert row["top_path_requests"] == top and paths[row["top_path"]] == top
    assert sum(r["status_429"] for r in rows.values()) > 0


def test_app_logs_promote_structured_fields_and_find_an_invocation_by_trace_id(
    world: World, engine: LocalEngine
) -> None:
    invocations = {i.request_id: i for i in world.dataset.invocations}
    rows = engine.query("SELECT * FROM app_logs").records()
    powertools = [r for r in rows if r["service"] is not None]
    # report-builder logs through Powertools on every invocation, with its cold start flag
    reports = {i.request_id for i in invocations.values() if i.function_name == "report-builder"}
    assert {r["request_id"] for r in powertools} == reports
    assert {r["service"] for r in powertools} == {"report-builder"}
    assert all(r["cold_start"] is invocations[r["request_id"]].cold_start for r in powertools)
    assert all(r["location"].startswith("build:") for r in powertools)
    assert {r["logger"] for r in rows if r["function_name"] == "thumbnailer"} == {"ThumbnailHandler"}
    # every line of a traced invocation carries its trace id, even the lines that do not print it
    traced = [r for r in rows if r["request_id"] in invocations and invocations[r["request_id"]].trace_id]
    assert traced and all(r["trace_id"] == invocations[r["request_id"]].trace_id for r in traced)
    sample = next(i for i in invocations.values() if i.trace_id and i.function_name == "orders-api")
    found = engine.query(f"SELECT DISTINCT request_id FROM app_logs WHERE trace_id = '{sample.trace_id}'").rows
    assert found == [(sample.request_id,)]


@pytest.mark.parametrize("view", [p.stem for p in view_files()])
def test_each_view_runs_through_the_cli(world: World, view: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sql", "--lake", str(world.lake), "--format", "json", f"SELECT count(*) AS n FROM {view}"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    if view == "lambda_architectures":  # an input users fill in; empty by default
        assert rows == [{"n": 0}]
    else:
        assert rows[0]["n"] > 0
