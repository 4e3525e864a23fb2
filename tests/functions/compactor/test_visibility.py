"""The Python visibility rule and the `events` view (the SQL Athena runs) agree, object by object."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from functions.compactor import records
from functions.compactor.compact import CompactionConfig, Compactor, discover_partitions
from functions.compactor.store import LocalLakeStore
from functions.compactor.visibility import Change, ObjectInfo, live_keys, live_objects
from functions.sinks.keys import Partition
from loglake.engine import LocalEngine
from tests.functions.compactor.lake_support import HOUR_MS, START_MS, build_seed


def info(name: str) -> ObjectInfo:
    return ObjectInfo(f"events/dt=2026-11-27/hour=00/{name}", 1, 0)


def test_the_rule_hides_removed_and_uncommitted_objects() -> None:
    # Given a parser object, a committed merge of two others, an orphan of a crashed attempt
    objects = [info(n) for n in ("a.parquet", "b.parquet", "c.parquet", "c-g1-000.parquet", "c-g0-000.parquet")]
    changes = [
        Change("g1", "c-g1-000.parquet", "added", 1),
        Change("g1", "b.parquet", "removed", 1),
        Change("g1", "c.parquet", "removed", 1),
    ]
    # Then only the parser object and the committed merge are live, however often a commit is seen
    assert [o.name for o in live_objects(objects, changes)] == ["a.parquet", "c-g1-000.parquet"]
    assert live_objects(objects, changes * 2) == live_objects(objects, changes)


def test_the_view_counts_exactly_the_rows_of_the_objects_python_calls_live(tmp_path: Path) -> None:
    # Given a lake mid-way: one hour committed but not cleaned up, one with an uncommitted merge,
    # and a redelivered copy of an object the commit replaced
    lake = build_seed(tmp_path / "lake").root
    store = LocalLakeStore(lake)
    now = START_MS + 5 * HOUR_MS
    slow = Compactor(store, "", CompactionConfig(grace_ms=HOUR_MS), clock=lambda: now)
    slow.run([Partition("2026-11-27", 0), Partition("2026-11-27", 1)])
    Compactor(store, "", CompactionConfig(grace_ms=HOUR_MS), clock=lambda: now + HOUR_MS).run(
        [Partition("2026-11-27", 0)]
    )
    first = next(iter(sorted((lake / "events" / "dt=2026-11-27" / "hour=00").glob("[0-9a-f]*.parquet"))))
    first.write_bytes(first.read_bytes())
    # When Python applies the rule and the view runs
    expected = {}
    for part in discover_partitions(store, ""):
        objects = store.list(records.data_prefix("", part))
        changes = slow._changes(part)
        live = live_objects(objects, changes)
        expected[(part.dt, part.hour)] = sum(pq.read_metadata(lake / o.key).num_rows for o in live)
    got = LocalEngine(lake).query("SELECT dt, hour, count(*) FROM events GROUP BY dt, hour").rows
    # Then they agree for every partition, and with the files reindex reads
    assert {(dt, hour): n for dt, hour, n in got} == expected
    assert len(expected) == 3
    assert sum(pq.read_metadata(lake / key).num_rows for key in live_keys(store)) == sum(expected.values())


@pytest.mark.parametrize("name", ["x.json", ".tmp-partial.parquet"])
def test_only_finished_parquet_objects_are_listed(tmp_path: Path, name: str) -> None:
    (tmp_path / "events" / "dt=2026-11-27" / "hour=00").mkdir(parents=True)
    (tmp_path / "events" / "dt=2026-11-27" / "hour=00" / name).write_text("{}")
    listed = LocalLakeStore(tmp_path).list("events/")
    assert [o.name for o in listed if o.name.endswith(".parquet")] == []


def test_live_keys_keep_to_the_days_asked(tmp_path: Path) -> None:
    # Given a lake of one day, with one hour compacted and committed, its inputs not yet cleaned up
    lake = build_seed(tmp_path / "lake").root
    store = LocalLakeStore(lake)
    Compactor(store, "", CompactionConfig(grace_ms=HOUR_MS), clock=lambda: START_MS + 5 * HOUR_MS).run(
        [Partition("2026-11-27", 0)]
    )
    listed = sorted(str(p.relative_to(lake)) for p in lake.glob("events/dt=*/hour=*/*.parquet"))
    every = live_keys(store)
    # Then the live keys are listed objects, fewer than all (the merged inputs are hidden), all of that day
    assert set(every) < set(listed) and every == sorted(every)
    assert live_keys(store, "", "2026-11-27", "2026-11-27") == every
    assert live_keys(store, "", "2026-11-28") == [] and live_keys(store, "", None, "2026-11-26") == []
