"""The Lambda views against ground truth: synthetic deliveries → parser → lake → the view SQL on DuckDB.

Every expected value is computed here from the generator's truth (what it simulated), never from the
SQL: exact counts, averages to 0.5 %, approximate percentiles to 5 %.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from loglake.engine import LocalEngine
from loglake.synth import FUNCTIONS, Invocation
from tests.synthetic_world import World, assert_percentile, truncate, utc

HOUR_MS, MINUTE_MS = 3_600_000, 60_000
X86_USD_PER_GB_S, ARM_USD_PER_GB_S, USD_PER_REQUEST = 0.0000166667, 0.0000133334, 0.20 / 1_000_000


def by(invocations: list[Invocation], key: str) -> dict[tuple[str, object], list[Invocation]]:
    groups: dict[tuple[str, object], list[Invocation]] = defaultdict(list)
    for inv in invocations:
        bucket: object = {
            "hour": truncate(inv.start_ms, HOUR_MS),
            "day": utc(inv.start_ms).date(),
            "version": inv.function_version,
            "memory": inv.memory_size_mb,
        }[key]
        groups[(inv.function_name, bucket)].append(inv)
    return groups


def gb_seconds(invs: list[Invocation]) -> float:
    return sum(i.billed_duration_ms / 1000 * i.memory_size_mb / 1024 for i in invs)


def test_hourly_counts_rates_durations_memory_and_cost(world: World, engine: LocalEngine) -> None:
    # Given the truth grouped by function and the hour each invocation started
    groups = by(world.dataset.invocations, "hour")
    # When the hourly view is read
    rows = {
        (r["function_name"], r["hour_start"]): r for r in engine.query("SELECT * FROM lambda_function_hourly").records()
    }
    # Then every hour of every function is there with the true figures
    assert set(rows) == set(groups)
    for key, invs in groups.items():
        row, durations = rows[key], [i.duration_ms for i in invs]
        failed = [i for i in invs if i.status != "success"]
        colds = [i.init_duration_ms or i.restore_duration_ms for i in invs if i.cold_start]
        assert (row["invocations"], row["errors"], row["timeouts"], row["cold_starts"]) == (
            len(invs),
            sum(i.status == "error" for i in invs),
            sum(i.status == "timeout" for i in invs),
            len(colds),
        )
        assert row["error_rate"] == pytest.approx(len(failed) / len(invs))
        assert row["cold_start_rate"] == pytest.approx(len(colds) / len(invs))
        assert row["avg_duration_ms"] == pytest.approx(statistics.fmean(durations), rel=0.005)
        for q in (0.50, 0.90, 0.95, 0.99):
            assert_percentile(row[f"p{round(q * 100)}_duration_ms"], durations, q)
        assert row["avg_init_duration_ms"] == (pytest.approx(statistics.fmean(colds), rel=0.005) if colds else None)
        assert row["max_memory_used_mb"] == max(i.max_memory_used_mb for i in invs)
        assert row["memory_size_mb"] == invs[0].memory_size_mb
        assert row["gb_seconds"] == pytest.approx(gb_seconds(invs), rel=1e-9)
        usd = gb_seconds(invs) * X86_USD_PER_GB_S + len(invs) * USD_PER_REQUEST
        assert row["estimated_usd"] == pytest.approx(usd, rel=1e-9)


def test_version_comparison_shows_each_deploy_against_the_version_before(world: World, engine: LocalEngine) -> None:
    groups = by(world.dataset.invocations, "version")
    rows = {
        (r["function_name"], r["function_version"]): r
        for r in engine.query("SELECT * FROM lambda_version_comparison").records()
    }
    assert set(rows) == set(groups)
    for (name, version), invs in groups.items():
        row = rows[(name, version)]
        assert row["invocations"] == len(invs)
        assert (row["first_seen"], row["last_seen"]) == (
            utc(min(i.start_ms for i in invs)),
            utc(max(i.start_ms for i in invs)),
        )
        assert row["avg_duration_ms"] == pytest.approx(statistics.fmean(i.duration_ms for i in invs), rel=0.005)
        assert_percentile(row["p95_duration_ms"], [i.duration_ms for i in invs], 0.95)
        assert row["error_rate"] == pytest.approx(sum(i.status != "success" for i in invs) / len(invs))
    deployed = [spec for spec in FUNCTIONS if len(spec.versions) == 2]
    assert deployed
    for spec in deployed:
        before, after = (groups[(spec.name, v)] for v in spec.versions)
        row = rows[(spec.name, spec.versions[1])]
        assert row["previous_version"] == spec.versions[0]
        change = 100 * (
            statistics.fmean(i.duration_ms for i in after) / statistics.fmean(i.duration_ms for i in before) - 1
        )
        assert row["avg_duration_change_pct"] == pytest.approx(change, abs=0.5)
        assert rows[(spec.name, spec.versions[0])]["previous_version"] is None
    orders = rows[("orders-api", "8")]["avg_duration_change_pct"]
    assert orders > 15  # the generator slowed orders-api down by 30 % in version 8


def test_errors_list_every_failed_invocation_with_its_error(world: World, engine: LocalEngine) -> None:
    failed = {i.request_id: i for i in world.dataset.invocations if i.status != "success"}
    messages = {spec.name: dict(spec.errors) for spec in FUNCTIONS}
    timeouts_s = {spec.name: spec.timeout_s for spec in FUNCTIONS}
    rows = engine.query("SELECT * FROM lambda_errors").records()
    by_request = {r["request_id"]: r for r in rows if r["kind"] == "failed_invocation"}
    assert len(by_request) == sum(r["kind"] == "failed_invocation" for r in rows) == len(failed)
    assert set(by_request) == set(failed)
    # the synthetic applications never log ERROR lines themselves: every error line is a failure
    assert [r for r in rows if r["kind"] == "logged_error"] == []
    for request_id, inv in failed.items():
        row = by_request[request_id]
        assert (row["function_name"], row["function_version"], row["status"]) == (
            inv.function_name,
            inv.function_version,
            inv.status,
        )
        assert row["log_stream"] == inv.log_stream
        if inv.error_type is not None:
            assert row["error_type"] == inv.error_type
        if inv.error_type in messages[inv.function_name]:
            assert row["error_message"] == messages[inv.function_name][inv.error_type]
            assert row["stack_trace"]
        if inv.status == "timeout" and inv.log_format == "text":
            assert row["error_message"] == f"Task timed out after {timeouts_s[inv.function_name]:.2f} seconds"


def test_memory_rightsizing_suggests_a_size_from_the_memory_really_used(world: World, engine: LocalEngine) -> None:
    groups = by(world.dataset.invocations, "memory")
    rows = {
        (r["function_name"], r["memory_size_mb"]): r
        for r in engine.query("SELECT * FROM lambda_memory_rightsizing").records()
    }
    assert set(rows) == set(groups)
    for (_, size), invs in groups.items():
        row, used = rows[(invs[0].function_name, size)], [i.max_memory_used_mb for i in invs]
        full = sum(u >= size for u in used)
        assert (row["invocations"], row["min_used_mb"], row["max_used_mb"]) == (len(invs), min(used), max(used))
        assert row["avg_used_mb"] == pytest.approx(statistics.fmean(used), rel=0.005)
        assert_percentile(row["p99_used_mb"], used, 0.99)
        assert (row["invocations_at_100_pct"], row["over_provisioned_mb"]) == (full, size - max(used))
        # p99 + 30 % rounded up to 64 MB, in Lambda's range; never smaller once memory ran out
        ordered = sorted(used)
        candidates = {
            min(10240, max(128, 64 * math.ceil(p * 1.3 / 64), size if full else 0))
            for p in (ordered[int(0.99 * (len(ordered) - 1)) - 1], *ordered[int(0.99 * (len(ordered) - 1)) :])
        }
        assert row["suggested_memory_mb"] in candidates
        compute = gb_seconds(invs) * X86_USD_PER_GB_S
        assert row["estimated_saving_usd"] == pytest.approx(compute * (1 - row["suggested_memory_mb"] / size), rel=1e-9)
    assert rows[("report-builder", 2048)]["estimated_saving_usd"] > 0  # uses ~600 of 2048 MB
    assert rows[("orders-api", 512)]["suggested_memory_mb"] == 512  # an invocation ran out of memory


def test_daily_cost_from_gb_seconds_requests_and_the_list_price(world: World, engine: LocalEngine) -> None:
    groups = by(world.dataset.invocations, "day")
    rows = {(r["function_name"], r["day"]): r for r in engine.query("SELECT * FROM lambda_cost_daily").records()}
    assert set(rows) == set(groups)
    for key, invs in groups.items():
        row = rows[key]
        assert (row["invocations"], row["architecture"]) == (len(invs), "x86_64")
        assert row["billed_duration_ms"] == sum(i.billed_duration_ms for i in invs)
        assert row["gb_seconds"] == pytest.approx(gb_seconds(invs), rel=1e-9)
        assert row["request_usd"] == pytest.approx(len(invs) * USD_PER_REQUEST, rel=1e-9)
        assert row["estimated_usd"] == pytest.approx(
            gb_seconds(invs) * X86_USD_PER_GB_S + len(invs) * USD_PER_REQUEST, rel=1e-9
        )


def test_an_arm64_function_is_priced_at_the_arm64_rate(world: World, tmp_path: Path) -> None:
    # Given the view folder with thumbnailer listed as an arm64 function
    views = tmp_path / "views"
    views.mkdir()
    for path in Path("loglake/sql/views").glob("*.sql"):
        (views / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    mapping = views / "lambda_architectures.sql"
    mapping.write_text(mapping.read_text().replace("    (CAST(NULL", "    ('thumbnailer', 'arm64'),\n    (CAST(NULL"))
    # When the daily cost is read
    rows = (
        LocalEngine(world.lake, views_dir=views)
        .query("SELECT function_name, architecture, compute_usd FROM lambda_cost_daily")
        .rows
    )
    # Then thumbnailer is arm64 at the arm64 price and the others stay x86_64
    thumbs = [i for i in world.dataset.invocations if i.function_name == "thumbnailer"]
    got = {name: (arch, usd) for name, arch, usd in rows}
    assert got["thumbnailer"] == ("arm64", pytest.approx(gb_seconds(thumbs) * ARM_USD_PER_GB_S, rel=1e-9))
    assert {arch for name, (arch, _) in got.items() if name != "thumbnailer"} == {"x86_64"}


def in_flight(starts: list[int], ends: list[int], at: int, *, include_ending: bool) -> int:
    """Invocations running at instant `at` (sorted start / end keys)."""
    started = bisect.bisect_right(starts, at)
    ended = bisect.bisect_left(ends, at) if include_ending else bisect.bisect_right(ends, at)
    return started - ended


def test_concurrency_per_minute_average_and_exact_peak(world: World, engine: LocalEngine) -> None:
    # Given each function's invocations as [start, end) in hundredths of a millisecond
    spans: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for inv in world.dataset.invocations:
        spans[inv.function_name].append(
            (inv.start_ms * 100, inv.start_ms * 100 + round(inv.duration_ms * 100), inv.duration_ms)
        )
    rows = {
        (r["function_name"], r["minute_start"]): r
        for r in engine.query("SELECT * FROM lambda_concurrency_minutely").records()
    }
    expected_keys = {(name, truncate(s // 100, MINUTE_MS)) for name, items in spans.items() for s, _, _ in items}
    assert set(rows) == expected_keys
    for name, items in spans.items():
        starts, ends = sorted(s for s, _, _ in items), sorted(e for _, e, _ in items)
        minutes: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for start, _, duration in items:
            minutes[start // 100 // MINUTE_MS].append((start, duration))
        for minute, started in minutes.items():
            row = rows[(name, utc(minute * MINUTE_MS))]
            assert row["invocations"] == len(started)
            assert row["avg_concurrency"] == pytest.approx(sum(d for _, d in started) / 60_000, rel=1e-9)
            # the peak is reached when an invocation starts, or is carried in from the minute before
            carried = in_flight(starts, ends, minute * MINUTE_MS * 100 - 1, include_ending=True)
            peak = max(in_flight(starts, ends, s, include_ending=False) for s, _ in started)
            assert row["peak_concurrency"] == max(peak, carried), (name, minute)
    assert max(r["peak_concurrency"] for r in rows.values()) > 1
