"""Compaction while queries run: interrupted after every step, `loglake sql` shows each event exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from functions.compactor.compact import CompactionConfig, Compactor, discover_partitions
from functions.compactor.store import LocalLakeStore
from functions.sinks.keys import Partition
from loglake.cli import main
from loglake.engine import LocalEngine
from tests.functions.compactor.lake_support import (
    HOUR_MS,
    START_MS,
    SeedLake,
    build_seed,
    ingestor,
    object_names,
    visible_ids,
)

STEPS = ["outputs_written", "planned", "committed", "input_deleted", "inputs_deleted", "finished"]
LATER = START_MS + 5 * HOUR_MS  # every seeded hour is closed by then


class Crash(BaseException):
    """A kill: the run stops right there (an Exception would be counted for its partition, and the run go on)."""


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> SeedLake:
    return build_seed(tmp_path_factory.mktemp("seed") / "lake")


def crash_at(step: str) -> Callable[[str, Partition], None]:
    def hook(name: str, part: Partition) -> None:
        if name == step:
            raise Crash(f"crashed after {name} in {part.path}")

    return hook


def compactor(lake: Path, clock: Callable[[], int] = lambda: LATER, grace_ms: int = 0, **kw: object) -> Compactor:
    return Compactor(LocalLakeStore(lake), "", CompactionConfig(grace_ms=grace_ms), clock=clock, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_after_any_step_leaves_every_event_visible_once_and_a_rerun_finishes(
    step: str, seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a lake of many small objects per hour
    lake = seed.copy_to(tmp_path / "lake")
    assert visible_ids(lake, capsys) == seed.event_ids
    # When the compactor crashes right after `step`
    with pytest.raises(Crash):
        compactor(lake, on_step=crash_at(step)).run(discover_partitions(LocalLakeStore(lake), ""))
    # Then a query sees every event exactly once
    assert visible_ids(lake, capsys) == seed.event_ids
    # When `loglake compact` runs again
    assert main(["compact", "--lake", str(lake)]) == 0
    # Then it finished the job: still every event once, and only merged objects are left
    assert visible_ids(lake, capsys) == seed.event_ids
    assert all(name.startswith("c-") for name in object_names(lake))
    assert len(object_names(lake)) == 3  # one per hour: the hours are far below the target size
    assert object_names(lake, "compaction/pending") == [] and object_names(lake, "compaction/attempts") == []


def test_with_a_grace_period_late_and_redelivered_objects_are_never_counted_twice(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a compactor with a 10 minute grace period and a clock we move
    lake = seed.copy_to(tmp_path / "lake")
    now = [LATER]
    run = compactor(lake, clock=lambda: now[0], grace_ms=600_000)
    parts = discover_partitions(LocalLakeStore(lake), "")
    first = run.run(parts)
    assert first.committed == 0 and first.waiting == 3 and first.files_out == 3
    assert visible_ids(lake, capsys) == seed.event_ids
    # When a redelivery rewrites an input object and a late payload adds a new one before the commit
    writer = ingestor(lake)
    redelivered, late = (
        seed.batches[0],
        replace(seed.batches[1], event_ids=[f"late-{i}" for i in seed.batches[1].event_ids]),
    )
    writer.ingest(redelivered)
    writer.ingest(late)
    expected = seed.event_ids + Counter(late.event_ids)
    assert visible_ids(lake, capsys) == expected
    # Then the commit (10 min later) switches atomically, and the clean-up (10 min more) deletes the inputs
    now[0] += 600_000
    assert run.run(parts).committed == 3
    assert visible_ids(lake, capsys) == expected
    now[0] += 600_000
    assert run.run(parts).deleted > 0
    assert visible_ids(lake, capsys) == expected
    # When the same payload is redelivered once more, after its object was compacted and deleted
    writer.ingest(redelivered)
    # Then its copy is hidden (its rows are in the merged object), and a later run removes it
    assert visible_ids(lake, capsys) == expected
    now[0] += 600_000
    later = run.run(parts)
    assert later.garbage >= 1
    assert visible_ids(lake, capsys) == expected


def test_a_query_whose_objects_were_compacted_away_lists_again(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an engine that listed the small objects
    lake = seed.copy_to(tmp_path / "lake")
    engine = LocalEngine(lake)
    # When the compactor merges and deletes them before the query runs
    summary = compactor(lake).run(discover_partitions(LocalLakeStore(lake), ""))
    assert summary.deleted == summary.files_in > 3
    # Then the query still sees every event once
    rows = engine.query("SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events").rows
    assert rows == [(sum(seed.event_ids.values()), len(seed.event_ids))]


def test_open_hours_are_left_alone_and_merged_files_are_sorted(seed: SeedLake, tmp_path: Path) -> None:
    # Given the last seeded hour ended only 30 minutes ago
    lake = seed.copy_to(tmp_path / "lake")
    now = START_MS + 3 * HOUR_MS + 30 * 60_000
    # When compacting
    summary = compactor(lake, clock=lambda: now).run(discover_partitions(LocalLakeStore(lake), ""))
    # Then the two closed hours are merged and the open one keeps its small objects
    assert summary.committed == 2
    hours = {p.name: object_names(p.parent, p.name) for p in (lake / "events" / "dt=2026-11-27").iterdir()}
    assert all(len(v) == 1 for k, v in hours.items() if k != "hour=02") and len(hours["hour=02"]) > 1
    engine = LocalEngine(lake)
    ordered = engine.query("SELECT function_name, event_time FROM events WHERE hour = 0").rows
    assert ordered == sorted(ordered, key=lambda r: (r[0] is None, r[0] or "", r[1]))


def test_a_plan_whose_outputs_vanished_is_never_committed(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a run that crashed after planning, and a merged object lost before the commit
    lake = seed.copy_to(tmp_path / "lake")
    with pytest.raises(Crash):
        compactor(lake, on_step=crash_at("planned")).run(discover_partitions(LocalLakeStore(lake), ""))
    next(iter((lake / "events").rglob("c-*.parquet"))).unlink()
    # When the compactor runs again, twice
    first = compactor(lake).run(discover_partitions(LocalLakeStore(lake), ""))
    assert any(line.startswith("dt=2026-11-27/hour=00") and "plan dropped" in line for line in first.details)
    assert first.committed == 2  # the two hours the crashed run never reached
    compactor(lake).run(discover_partitions(LocalLakeStore(lake), ""))
    # Then no row was ever hidden, and the partition got merged by a fresh plan
    assert visible_ids(lake, capsys) == seed.event_ids
    assert all(name.startswith("c-") for name in object_names(lake))
