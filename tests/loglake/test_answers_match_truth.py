"""End to end against ground truth: synthetic deliveries → handler code → lake → Athena SQL on DuckDB.

Every expected value is computed here, in plain Python, from the generator's truth (what it simulated),
never from parsed output. Exact counts; averages to 0.5 %; approximate percentiles to 5 %.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

import pytest

from loglake.engine import LocalEngine
from loglake.local_ingest import ingest_events, local_ingestor
from loglake.synth import Dataset, generate

START_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, LocalEngine, int]:
    dataset = generate(seed=11, start_ms=START_MS, hours=24, invocations_per_hour=300, max_events_per_delivery=400)
    lake = tmp_path_factory.mktemp("truth-lake")
    summary = ingest_events(iter(dataset.deliveries), local_ingestor(lake, "eu-west-1"))
    assert summary.failed_items == []
    return dataset, LocalEngine(lake), summary.unknown_lines


def test_every_event_is_one_row_and_none_is_unknown(world: tuple[Dataset, LocalEngine, int]) -> None:
    dataset, engine, unknown = world
    assert engine.query("SELECT count(*), count(DISTINCT event_id) FROM events").rows == [
        (dataset.event_count, dataset.event_count)
    ]
    assert unknown == 0


def test_invocation_counts_statuses_and_cold_starts_per_function(
    world: tuple[Dataset, LocalEngine, int],
) -> None:
    dataset, engine, _ = world
    expected: dict[str, Counter[str]] = defaultdict(Counter)
    for inv in dataset.invocations:
        expected[inv.function_name]["invocations"] += 1
        expected[inv.function_name][inv.status] += 1
        expected[inv.function_name]["cold"] += inv.cold_start
    rows = engine.query(
        "SELECT function_name, count(*), count_if(status = 'error'), count_if(status = 'timeout'), "
        "count_if(cold_start) FROM lambda_invocations GROUP BY function_name"
    ).rows
    got = {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}
    want = {f: (c["invocations"], c["error"], c["timeout"], c["cold"]) for f, c in expected.items()}
    assert got == want
    assert sum(c["timeout"] for c in expected.values()) > 0 and sum(c["error"] for c in expected.values()) > 0


def test_each_invocation_matches_its_truth(world: tuple[Dataset, LocalEngine, int]) -> None:
    dataset, engine, _ = world
    rows = engine.query(
        "SELECT request_id, function_name, function_version, duration_ms, billed_duration_ms, memory_size_mb, "
        "max_memory_used_mb, status, cold_start FROM lambda_invocations"
    ).rows
    got = {r[0]: r[1:] for r in rows}
    want = {
        i.request_id: (
            i.function_name,
            i.function_version,
            pytest.approx(i.duration_ms, abs=0.006),
            i.billed_duration_ms,
            i.memory_size_mb,
            i.max_memory_used_mb,
            i.status,
            i.cold_start,
        )
        for i in dataset.invocations
    }
    assert got == want


def test_average_and_percentile_duration_per_function_and_version(
    world: tuple[Dataset, LocalEngine, int],
) -> None:
    dataset, engine, _ = world
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    for inv in dataset.invocations:
        durations[(inv.function_name, inv.function_version)].append(inv.duration_ms)
    rows = engine.query(
        "SELECT function_name, function_version, avg(duration_ms), approx_percentile(duration_ms, 0.95) "
        "FROM lambda_invocations GROUP BY function_name, function_version"
    ).rows
    assert {(r[0], r[1]) for r in rows} == set(durations)
    for name, version, avg, p95 in rows:
        values = sorted(durations[(name, version)])
        assert avg == pytest.approx(statistics.fmean(values), rel=0.005)
        true_p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        assert p95 == pytest.approx(true_p95, rel=0.05)


def test_the_deploy_shows_up_as_two_versions(world: tuple[Dataset, LocalEngine, int]) -> None:
    dataset, engine, _ = world
    versions: dict[str, set[str]] = defaultdict(set)
    for inv in dataset.invocations:
        versions[inv.function_name].add(inv.function_version)
    rows = engine.query(
        "SELECT function_name, count(DISTINCT function_version) FROM lambda_invocations GROUP BY 1"
    ).rows
    assert dict(rows) == {f: len(v) for f, v in versions.items()}
    assert max(len(v) for v in versions.values()) == 2


def test_memory_at_100_percent_and_gb_seconds(world: tuple[Dataset, LocalEngine, int]) -> None:
    dataset, engine, _ = world
    full = Counter(i.function_name for i in dataset.invocations if i.max_memory_used_mb >= i.memory_size_mb)
    gb_s: dict[str, float] = defaultdict(float)
    for i in dataset.invocations:
        gb_s[i.function_name] += i.billed_duration_ms / 1000 * i.memory_size_mb / 1024
    rows = engine.query(
        "SELECT function_name, count_if(max_memory_used_mb >= memory_size_mb), "
        # doubles, as in lambda_invocation_costs: `/ 1000.0` is decimal division on Trino (scale 1: 0.1 s steps)
        "sum(CAST(billed_duration_ms AS double) / 1000 * memory_size_mb / 1024) FROM lambda_invocations GROUP BY 1"
    ).rows
    assert {r[0]: r[1] for r in rows} == {f: full.get(f, 0) for f in gb_s}
    for name, _, total in rows:
        assert total == pytest.approx(gb_s[name], rel=1e-9)


def test_api_gateway_requests_by_status_class(world: tuple[Dataset, LocalEngine, int]) -> None:
    dataset, engine, _ = world
    want = Counter(f"{r.status_code // 100}xx" for r in dataset.requests)
    want["429"] = sum(r.status_code == 429 for r in dataset.requests)
    rows = engine.query(
        "SELECT concat(cast(status_code / 100 AS varchar), 'xx') AS cls, count(*) FROM events "
        "WHERE record_type = 'access' GROUP BY 1 UNION ALL "
        "SELECT '429', count_if(status_code = 429) FROM events WHERE record_type = 'access'"
    ).rows
    assert dict(rows) == dict(want)
    assert want["429"] > 0 and want["5xx"] > 0
