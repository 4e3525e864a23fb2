"""Every view and every saved question, on a real Trino and on the local engine (DuckDB), over the same lakes.

Athena engine v3 is Trino: the view files must mean on DuckDB what they mean there. Three lakes, all
from one seeded set of deliveries (three hours of four functions and an API): as the parser left it
(many small objects), fully compacted, and mid-compaction (one hour committed but not cleaned up,
one hour with an uncommitted merge, and a redelivered copy of an object the commit replaced).

How the two answers are compared (the stated tolerance):
- the same columns, the same number of rows, exactly;
- every value equal; floats to 1e-9 relative (sums in another order), and a value rounded with
  round(x, k) may land one unit of its last digit away when x sits on a ...5 boundary;
- `approx_percentile` columns: exactly equal for groups of fewer than 40 values (Trino's t-digest then
  keeps every value and answers with one of them; `loglake.transpile` picks the same rank), within 5 %
  on larger groups (Trino's estimate vs. the exact rank); a change in percent between two such
  percentiles within 5 percentage points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from functions.compactor.compact import CompactionConfig, Compactor, discover_partitions
from functions.compactor.store import LocalLakeStore
from functions.sinks.keys import Partition
from loglake.engine import LocalEngine, Result
from loglake.questions import load_questions
from loglake.trino import Trino
from loglake.views import ordered_views
from tests.functions.compactor.lake_support import HOUR_MS, START_MS, build_seed
from tests.trino_support import set_up_lake

pytestmark = pytest.mark.trino

SMALL_GROUP = 40  # fewer values than this: Trino's approx_percentile is exact
LARGE_GROUP_REL = 0.05
CHANGE_PCT_ABS = 5.0
LAKES = ("fresh", "compacted", "mid_compaction")


@dataclass(frozen=True)
class Percentiles:
    """The percentile columns of one query, and the column counting each row's group (None: unknown)."""

    columns: frozenset[str]
    group_size: str | None
    change_pct: frozenset[str] = frozenset()


PERCENTILES: dict[str, Percentiles] = {
    "apigw_hourly": Percentiles(frozenset({"p50_latency_ms", "p95_latency_ms", "p99_latency_ms"}), "requests"),
    "lambda_function_hourly": Percentiles(
        frozenset({"p50_duration_ms", "p90_duration_ms", "p95_duration_ms", "p99_duration_ms"}), "invocations"
    ),
    "lambda_version_comparison": Percentiles(
        frozenset({"p95_duration_ms"}), "invocations", frozenset({"p95_duration_change_pct"})
    ),
    "lambda_memory_rightsizing": Percentiles(
        frozenset({"p99_used_mb", "suggested_memory_mb", "estimated_saving_usd", "estimated_saving_pct"}),
        "invocations",
    ),
    "duration_by_function": Percentiles(frozenset({"p50_ms", "p95_ms", "p99_ms"}), "invocations"),
    "deploy_comparison": Percentiles(frozenset({"p95_ms"}), "invocations", frozenset({"p95_change_pct"})),
    "overprovisioned_memory": Percentiles(frozenset({"p99_used_mb", "suggested_mb", "saving_pct", "saving_usd"}), None),
    "api_status": Percentiles(frozenset({"p50_latency_ms", "p95_latency_ms", "p99_latency_ms"}), "requests"),
    "api_top_paths": Percentiles(frozenset({"p95_latency_ms"}), "requests"),
}

# `/` by the operands' types: integers (columns, aggregates, literals, casts) truncate, anything else
# does not; `memory_size_mb` is an integer in lambda_invocations and a double in the CTE that shadows it
DIVISIONS = """
WITH shadow AS (
  SELECT function_name, CAST(max(memory_size_mb) AS double) AS memory_size_mb
  FROM lambda_invocations
  GROUP BY function_name
)
SELECT
  i.function_name,
  max(i.memory_size_mb) / 100 AS integer_column,
  max(s.memory_size_mb) / 100 AS shadowing_double,
  sum(i.billed_duration_ms) / count(*) AS integer_aggregates,
  CAST(max(i.duration_ms) AS integer) / 7 AS cast_to_integer,
  CAST(max(i.memory_size_mb) AS double) / 7 AS cast_to_double,
  max(i.duration_ms) / 7 AS double_column,
  -7 / 2 AS integer_literals,
  7 / 2e0 AS double_literal
FROM lambda_invocations i
JOIN shadow s ON s.function_name = i.function_name
GROUP BY i.function_name
"""

QUERIES: dict[str, str] = (
    {view.name: f"SELECT * FROM {view.name}" for view in ordered_views()}
    | {question.name: question.sql for question in load_questions()}
    | {"typed_divisions": DIVISIONS}
)


def build_lakes(root: Path) -> dict[str, Path]:
    seed = build_seed(root / "fresh")
    compacted = seed.copy_to(root / "compacted")
    Compactor(LocalLakeStore(compacted), "", CompactionConfig(grace_ms=0), clock=lambda: START_MS + 5 * HOUR_MS).run(
        discover_partitions(LocalLakeStore(compacted), "")
    )
    mid = seed.copy_to(root / "mid_compaction")
    store, now = LocalLakeStore(mid), START_MS + 5 * HOUR_MS
    Compactor(store, "", CompactionConfig(grace_ms=HOUR_MS), clock=lambda: now).run(
        [Partition("2026-11-27", 0), Partition("2026-11-27", 1)]
    )
    Compactor(store, "", CompactionConfig(grace_ms=HOUR_MS), clock=lambda: now + HOUR_MS).run(
        [Partition("2026-11-27", 0)]
    )
    first = sorted((mid / "events" / "dt=2026-11-27" / "hour=00").glob("[0-9a-f]*.parquet"))[0]
    first.write_bytes(first.read_bytes())  # a redelivery rewrites an object the commit removed
    return {"fresh": seed.root, "compacted": compacted, "mid_compaction": mid}


@pytest.fixture(scope="module")
def engines(trino_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[LocalEngine, Trino]]:
    lakes = build_lakes(tmp_path_factory.mktemp("trino-lakes"))
    return {name: (LocalEngine(lake), set_up_lake(trino_url, f"cmp_{name}", lake)) for name, lake in lakes.items()}


def _decimals(value: float | Decimal) -> int:
    text = format(Decimal(str(value)).normalize(), "f")
    return len(text.partition(".")[2])


def same_value(a: Any, b: Any) -> bool:
    """Equal; or floats equal to 1e-9 relative, or one unit of their last decimal apart (round(x, k) of a
    sum on a ...5 boundary: the engines add in different orders). Decimals must be equal."""
    if a == b:
        return True
    if not (isinstance(a, float | Decimal) and isinstance(b, float | Decimal)) or a is None or b is None:
        return False
    x, y = float(a), float(b)
    if math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return False  # decimal arithmetic is exact on both engines
    digits = max(_decimals(a), _decimals(b))
    return 0 < digits <= 4 and math.isclose(abs(x - y), 10.0**-digits, rel_tol=1e-6)


def close_percentile(a: Any, b: Any, group: int | None) -> bool:
    if a is None or b is None:
        return a is b
    if group is not None and group < SMALL_GROUP:
        return same_value(a, b)
    x, y = float(a), float(b)
    return same_value(a, b) or abs(x - y) <= LARGE_GROUP_REL * max(abs(x), abs(y))


def _sort_key(row: dict[str, Any], columns: list[str]) -> tuple[tuple[bool, str], ...]:
    return tuple((row[c] is None, str(row[c])) for c in columns)


def differences(name: str, local: Result, trino: Result) -> list[str]:
    """What differs between the two answers beyond the stated tolerance (empty: they agree)."""
    if local.columns != trino.columns:
        return [f"columns {local.columns} vs {trino.columns}"]
    if len(local.rows) != len(trino.rows):
        return [f"{len(local.rows)} rows locally, {len(trino.rows)} on Trino"]
    rule = PERCENTILES.get(name, Percentiles(frozenset(), None))
    approximate = rule.columns | rule.change_pct
    keys = [c for c in local.columns if c not in approximate]
    found = []
    pairs = zip(
        sorted(local.records(), key=lambda r: _sort_key(r, keys)),
        sorted(trino.records(), key=lambda r: _sort_key(r, keys)),
        strict=True,
    )
    for mine, theirs in pairs:
        group = None if rule.group_size is None else min(mine[rule.group_size], theirs[rule.group_size])
        for column in local.columns:
            a, b = mine[column], theirs[column]
            if column in rule.change_pct:
                ok = (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= CHANGE_PCT_ABS)
            elif column in rule.columns:
                ok = close_percentile(a, b, group)
            else:
                ok = same_value(a, b)
            if not ok:
                found.append(f"{column}: {a!r} locally, {b!r} on Trino (row {_sort_key(mine, keys)[:3]})")
    return found


@pytest.mark.parametrize("lake", LAKES)
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_local_engine_answers_as_trino_does(
    engines: dict[str, tuple[LocalEngine, Trino]], lake: str, name: str
) -> None:
    # Given the same lake behind both engines
    local, trino = engines[lake]
    # When the view or question runs on each
    mine, theirs = local.query(QUERIES[name]), trino.query(QUERIES[name])
    # Then they agree within the stated tolerance
    assert differences(name, mine, theirs) == []


def test_the_lakes_cover_small_and_large_percentile_groups(engines: dict[str, tuple[LocalEngine, Trino]]) -> None:
    # The exact rule and the tolerance are both exercised: hourly groups under 40, daily ones over
    local, _ = engines["fresh"]
    sizes = [row[0] for row in local.query("SELECT invocations FROM lambda_function_hourly").rows]
    totals = [row[0] for row in local.query("SELECT count(*) FROM lambda_invocations GROUP BY function_name").rows]
    assert min(sizes) < SMALL_GROUP and max(totals) >= SMALL_GROUP


def test_the_comparison_sees_a_wrong_percentile_and_a_missing_row() -> None:
    # Given answers that differ the ways a bad translation would
    local = Result(["f", "invocations", "p95_ms"], [("a", 10, 100.0), ("b", 500, 200.0)])
    rank_off = Result(["f", "invocations", "p95_ms"], [("a", 10, 101.0), ("b", 500, 204.0)])
    short = Result(["f", "invocations", "p95_ms"], [("a", 10, 100.0)])
    # Then the small group's percentile must be exact, the large one's within 5 %, and rows all there
    assert differences("duration_by_function", local, rank_off) == [
        "p95_ms: 100.0 locally, 101.0 on Trino (row ((False, 'a'), (False, '10')))"
    ]
    assert differences("duration_by_function", local, short) == ["2 rows locally, 1 on Trino"]
    assert differences("errors_by_function", Result(["x"], [(1.69,)]), Result(["x"], [(Decimal("1.7"),)])) != []
