"""An hour that can't be merged never blocks the others; a killed compactor's leftovers are cleaned up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from functions.compactor.compact import CompactionConfig, Compactor, discover_partitions
from functions.compactor.lease import Lease
from functions.compactor.store import LocalLakeStore
from functions.sinks.keys import HOUR_MS, Partition
from tests.functions.compactor.lake_support import (
    START_MS,
    SeedLake,
    build_seed,
    ingestor,
    object_names,
    visible_ids,
)

REPO = Path(__file__).resolve().parents[3]
LATER = START_MS + 5 * HOUR_MS


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> SeedLake:
    return build_seed(tmp_path_factory.mktemp("seed") / "lake")


class HourZeroTooBig(LocalLakeStore):
    """Reading any object of hour 00 fails as a merge over the memory limit would."""

    def fetch(self, key: str, workdir: Path) -> Path:
        if "/hour=00/" in key:
            raise MemoryError("hour 00 does not fit")
        return super().fetch(key, workdir)


def test_an_hour_that_cannot_be_merged_is_counted_retried_last_and_never_blocks_the_others(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a lake whose oldest hour can't be merged
    lake = seed.copy_to(tmp_path / "lake")
    # When the compactor runs
    first = Compactor(HourZeroTooBig(lake), "", CompactionConfig(), clock=lambda: LATER).run(
        discover_partitions(LocalLakeStore(lake), "")
    )
    # Then the newer hours are compacted, the failure counted and marked, and nothing is hidden
    assert (first.committed, first.failed) == (2, 1)
    marker = json.loads((lake / "compaction/attempts/dt=2026-11-27/hour=00/attempt.json").read_text())
    assert marker["state"] == "failed" and "does not fit" in marker["error"]
    assert visible_ids(lake, capsys) == seed.event_ids
    # When late events reach every hour and the next run can merge hour 00 again
    late = [replace(b, event_ids=[f"late-{i}" for i in b.event_ids]) for b in seed.batches[::3]]
    for batch in late:
        ingestor(lake).ingest(batch)
    order: list[int] = []
    second = Compactor(
        LocalLakeStore(lake),
        "",
        CompactionConfig(),
        clock=lambda: LATER,
        on_step=lambda step, part: order.append(part.hour) if step == "outputs_written" else None,
    ).run(discover_partitions(LocalLakeStore(lake), ""))
    # Then the hour that failed comes after the others, succeeds, and its mark is gone
    assert order[-1] == 0 and sorted(order) == sorted(set(order)) and second.failed == 0
    assert object_names(lake, "compaction/attempts") == []
    assert visible_ids(lake, capsys) == seed.event_ids + Counter(i for b in late for i in b.event_ids)


KILLED_RUN = """
import os, shutil, signal, sys
def dying_copy(source, target, *args, **kwargs):
    with open(target, "wb") as handle:
        handle.write(b"PAR1 half of a merged object")
    os.kill(os.getpid(), signal.SIGKILL)
shutil.copyfile = dying_copy
from loglake.cli import main
sys.exit(main(["compact", "--lake", sys.argv[1]]))
"""


def test_a_compactor_killed_while_writing_leaves_nothing_behind_after_the_next_run(
    seed: SeedLake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given `loglake compact` killed (SIGKILL) in the middle of writing a merged object
    lake = seed.copy_to(tmp_path / "lake")
    spill = tmp_path / "spill"
    spill.mkdir()
    env = {**os.environ, "TMPDIR": str(spill), "PYTHONPATH": str(REPO)}
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(lake)], env=env, cwd=REPO, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert list(lake.rglob(".*.tmp")) and list((spill / "loglake-compactor").iterdir())
    assert visible_ids(lake, capsys) == seed.event_ids
    # When the next run comes after the dead run's lease expired and its leftovers are old enough
    now = time.time_ns() // 1_000_000 + HOUR_MS
    store = LocalLakeStore(lake)
    summary = Compactor(
        store,
        "",
        CompactionConfig(workdir=str(spill)),
        clock=lambda: now,
        lease=Lease(store, "", clock=lambda: now),
    ).run(discover_partitions(store, ""))
    # Then the half-written files and the spill folder are gone, the killed merge was counted, all is merged
    assert not list(lake.rglob("*.tmp")) and not list((spill / "loglake-compactor").iterdir())
    assert summary.interrupted == 1 and summary.temporaries >= 2 and summary.committed == 3
    assert visible_ids(lake, capsys) == seed.event_ids
    assert all(name.startswith("c-") for name in object_names(lake))


def test_a_fresh_write_in_progress_is_left_alone(tmp_path: Path) -> None:
    # Given a temporary file someone is writing right now, and one abandoned an hour ago
    folder = tmp_path / "events" / "dt=2026-11-27" / "hour=00"
    folder.mkdir(parents=True)
    (folder / ".fresh.tmp").write_bytes(b"x")
    (folder / ".old.tmp").write_bytes(b"x")
    hour_ago = time.time() - 3600
    os.utime(folder / ".old.tmp", (hour_ago, hour_ago))
    # When the compactor cleans the partition up
    summary = Compactor(LocalLakeStore(tmp_path), "", CompactionConfig()).run([Partition("2026-11-27", 0)])
    # Then only the abandoned one is removed
    assert summary.temporaries == 1 and sorted(p.name for p in folder.iterdir()) == [".fresh.tmp"]
