"""Racing compactors: two runs at once while late events arrive for the same hours, on a folder and on S3.

Whatever the interleaving, `events` must end up showing exactly the ingested multiset of event ids: one
row per event id, none lost, none doubled (the issue: 25,800-29,400 rows for 22,800 ids, both runs exit 0).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import boto3
import pytest

from functions.compactor.compact import CompactionConfig, Compactor, discover_partitions
from functions.compactor.lease import Lease
from functions.compactor.store import LocalLakeStore, S3LakeStore
from functions.parser.decode import LogBatch
from functions.parser.ingest import Ingestor
from functions.sinks.keys import Partition
from functions.sinks.s3_parquet import LocalStore, S3Store
from loglake.cli import main
from tests.functions.compactor.lake_support import (
    HOUR_MS,
    START_MS,
    SeedLake,
    build_seed,
    object_names,
    s3_visible_ids,
    visible_ids,
)

BUCKET = "lake-bucket"

LATER = START_MS + 5 * HOUR_MS
TRIALS = 3


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> SeedLake:
    return build_seed(tmp_path_factory.mktemp("seed") / "lake")


def late_batches(seed: SeedLake, trial: int) -> list[LogBatch]:
    """Every seeded payload again under fresh ids: late events for the very hours being compacted."""
    return [replace(b, event_ids=[f"late{trial}-{i}" for i in b.event_ids]) for b in seed.batches[::2]]


def race(compact: Callable[[], object], ingest: Callable[[LogBatch], object], late: list[LogBatch]) -> None:
    """Two compactor runs and a late writer, started together; any exception in a thread fails the test."""
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def guarded(work: Callable[[], object]) -> Callable[[], None]:
        def body() -> None:
            start.wait()
            try:
                work()
            except BaseException as error:
                errors.append(error)

        return body

    def writer() -> None:
        for batch in late:
            ingest(batch)

    threads = [threading.Thread(target=guarded(w)) for w in (compact, compact, writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_two_loglake_compact_runs_and_late_events_on_a_folder_show_each_event_once(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for trial in range(TRIALS):
        # Given a lake of many small objects per closed hour
        lake = seed.copy_to(tmp_path / f"lake{trial}")
        writer = Ingestor(store=LocalStore(lake), prefix="", region="local", clock=lambda: START_MS)
        late = late_batches(seed, trial)
        # When two `loglake compact` runs race while late events arrive for the same hours
        race(lambda lake=lake: main(["compact", "--lake", str(lake)]), writer.ingest, late)  # type: ignore[misc]
        # Then `events` shows every ingested event exactly once, now and after one more run
        expected = seed.event_ids + Counter(i for b in late for i in b.event_ids)
        assert visible_ids(lake, capsys) == expected, f"trial {trial}"
        assert main(["compact", "--lake", str(lake)]) == 0
        assert visible_ids(lake, capsys) == expected, f"trial {trial}"


def test_two_compactor_runs_and_late_events_on_s3_show_each_event_once(aws: None, seed: SeedLake) -> None:
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for trial in range(TRIALS):
        # Given a lake on S3 written by the parser
        prefix = f"t{trial}/"
        writer = Ingestor(store=S3Store(client, BUCKET), prefix=prefix, region="r", clock=lambda: START_MS)
        for batch in seed.batches:
            writer.ingest(batch)
        late = late_batches(seed, trial)

        def compact(prefix: str = prefix) -> object:
            store = S3LakeStore(boto3.client("s3"), BUCKET)
            run = Compactor(
                store, prefix, CompactionConfig(grace_ms=0), clock=lambda: LATER, lease=Lease(store, prefix)
            )
            return run.run(discover_partitions(store, prefix))

        # When two compactor runs race while late events arrive
        race(compact, writer.ingest, late)
        # Then each event is visible once, and still once after another run
        expected = seed.event_ids + Counter(i for b in late for i in b.event_ids)
        assert s3_visible_ids(S3LakeStore(client, BUCKET), prefix) == expected, f"trial {trial}"
        compact()
        assert s3_visible_ids(S3LakeStore(client, BUCKET), prefix) == expected, f"trial {trial}"


def test_a_holder_whose_lease_expired_and_was_taken_over_never_commits(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a compactor that stalls after planning hour 0 until its lease expired and another run took it
    lake = seed.copy_to(tmp_path / "lake")
    store = LocalLakeStore(lake)
    now = [LATER]
    taker = Lease(store, "", ttl_ms=60_000, clock=lambda: now[0], holder="taker")

    def stall(step: str, part: Partition) -> None:
        if step == "planned":
            now[0] += 60_000
            taker.acquire()

    stale = Compactor(
        store,
        "",
        CompactionConfig(grace_ms=0),
        clock=lambda: now[0],
        on_step=stall,
        lease=Lease(store, "", ttl_ms=60_000, clock=lambda: now[0], holder="stale"),
    )
    # When it resumes
    summary = stale.run(discover_partitions(store, ""))
    # Then it stops before its commit: nothing committed, every event still visible once
    assert summary.committed == 0 and any("stopped" in line for line in summary.details)
    assert object_names(lake, "events_commits") == []
    assert visible_ids(lake, capsys) == seed.event_ids


def test_of_two_plans_made_on_the_same_commit_only_one_is_committed(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two compactors without any lease (two stacks, an old version), an hour of grace, and a clock
    lake = seed.copy_to(tmp_path / "lake")
    store = LocalLakeStore(lake)
    now = [LATER]
    writer = Ingestor(store=LocalStore(lake), prefix="", region="local", clock=lambda: START_MS)
    late = late_batches(seed, 0)
    second = Compactor(store, "", CompactionConfig(grace_ms=HOUR_MS), clock=lambda: now[0])

    def meanwhile(step: str, part: Partition) -> None:
        if step == "outputs_written" and part.hour == 0:  # before the first one's plan is written
            writer.ingest(late[0])
            second.run([part])

    first = Compactor(store, "", CompactionConfig(grace_ms=HOUR_MS), clock=lambda: now[0], on_step=meanwhile)
    # When both plan hour 0 on the same state (different inputs: a late object arrived in between)
    first.run([Partition("2026-11-27", 0)])
    assert len(object_names(lake, "compaction/pending")) == 2
    # Then, once the grace period passed, one plan is committed and the other refused
    now[0] += HOUR_MS
    summary = first.run([Partition("2026-11-27", 0)])
    assert (summary.committed, summary.refused) == (1, 1)
    expected = seed.event_ids + Counter(late[0].event_ids)
    assert visible_ids(lake, capsys) == expected
    # And the runs that follow clean up and merge the rest, never showing a row twice
    for _ in range(5):  # delete the inputs; remove the orphans and merge the late object; commit; delete
        now[0] += HOUR_MS
        first.run([Partition("2026-11-27", 0)])
        assert visible_ids(lake, capsys) == expected
    assert all(name.startswith("c-") for name in object_names(lake / "events" / "dt=2026-11-27", "hour=00"))
