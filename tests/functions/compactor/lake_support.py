"""A small synthetic lake of many small objects, and the CLI query that counts what `events` shows."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from functions.compactor import records
from functions.compactor.compact import discover_partitions
from functions.compactor.store import LakeStore
from functions.compactor.visibility import live_objects
from functions.parser.decode import LogBatch, decode_awslogs
from functions.parser.ingest import Ingestor
from functions.sinks.s3_parquet import LocalStore
from loglake.cli import main
from loglake.synth import generate

START_MS = 1_795_737_600_000  # 2026-11-27T00:00Z
HOUR_MS = 3_600_000


@dataclass(frozen=True)
class SeedLake:
    root: Path
    batches: list[LogBatch]
    event_ids: Counter[str]

    def copy_to(self, target: Path) -> Path:
        shutil.copytree(self.root, target)
        return target


def ingestor(lake: Path) -> Ingestor:
    return Ingestor(store=LocalStore(lake), prefix="", region="local", clock=lambda: START_MS)


def build_seed(root: Path, hours: int = 3) -> SeedLake:
    dataset = generate(seed=7, start_ms=START_MS, hours=hours, invocations_per_hour=120, max_events_per_delivery=40)
    ids: Counter[str] = Counter()
    lake = ingestor(root)
    batches = [b for b in map(decode_awslogs, dataset.deliveries) if b is not None]
    for batch in batches:
        lake.ingest(batch)
        ids.update(batch.event_ids)
    return SeedLake(root, batches, ids)


def visible_ids(lake: Path, capsys: pytest.CaptureFixture[str]) -> Counter[str]:
    """Every event id `events` shows, with how often, through `loglake sql` as a user runs it."""
    capsys.readouterr()
    assert main(["sql", "--lake", str(lake), "--format", "json", "SELECT event_id FROM events"]) == 0
    return Counter(row["event_id"] for row in json.loads(capsys.readouterr().out))


def object_names(lake: Path, folder: str = "events") -> list[str]:
    return sorted(p.name for p in (lake / folder).rglob("*") if p.is_file())


def s3_visible_ids(store: LakeStore, prefix: str) -> Counter[str]:
    """Every event id a reader of `events` sees on S3: the live objects under the commits (the view's rule)."""
    ids: Counter[str] = Counter()
    for part in discover_partitions(store, prefix):
        commits = [o for o in store.list(records.commits_prefix(prefix, part)) if o.name.endswith(".parquet")]
        changes = [c for o in commits for c in records.decode_commit(store.get(o.key))]
        objects = [o for o in store.list(records.data_prefix(prefix, part)) if o.name.endswith(".parquet")]
        for obj in live_objects(objects, changes):
            ids.update(pq.read_table(io.BytesIO(store.get(obj.key)))["event_id"].to_pylist())
    return ids
