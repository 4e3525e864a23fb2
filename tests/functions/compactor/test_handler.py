"""The compactor Lambda over S3 (moto): settings from the environment, conditional writes, a full cycle."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest

from functions.compactor import handler
from functions.compactor.compact import Compactor
from functions.compactor.settings import CompactorSettings, SettingsError
from functions.compactor.store import S3LakeStore
from functions.parser.ingest import Ingestor
from functions.sinks.s3_parquet import S3Store
from tests.functions.compactor.lake_support import HOUR_MS, START_MS, build_seed

BUCKET = "lake-bucket"


@pytest.fixture
def bucket(aws: None) -> S3LakeStore:
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return S3LakeStore(client, BUCKET)


def test_settings_default_to_an_hour_of_grace_and_refuse_nonsense() -> None:
    settings = CompactorSettings.from_env({"LOGLAKE_BUCKET": "b", "LOGLAKE_PREFIX": "lake"})
    assert settings.prefix == "lake/" and settings.config.grace_ms == 3_600_000
    assert settings.config.target_bytes == 128 * 1024 * 1024 and settings.lookback_hours == 72
    with pytest.raises(SettingsError):
        CompactorSettings.from_env({})
    with pytest.raises(SettingsError):
        CompactorSettings.from_env({"LOGLAKE_BUCKET": "b", "LOGLAKE_COMPACT_GRACE_SECONDS": "-1"})


def test_write_once_objects_are_never_replaced(bucket: S3LakeStore) -> None:
    assert bucket.put_if_absent("lake/x", b"first") is True
    assert bucket.put_if_absent("lake/x", b"second") is False
    assert bucket.get("lake/x") == b"first"


def test_three_scheduled_runs_merge_commit_and_clean_up_on_s3(bucket: S3LakeStore, tmp_path: Path) -> None:
    # Given a lake on S3 written by the parser, and an hour of grace
    seed = build_seed(tmp_path / "seed", hours=2)
    writer = Ingestor(store=S3Store(boto3.client("s3"), BUCKET), prefix="lake/", region="r", clock=lambda: START_MS)
    for batch in seed.batches:
        writer.ingest(batch)
    settings = CompactorSettings.from_env({"LOGLAKE_BUCKET": BUCKET, "LOGLAKE_PREFIX": "lake/"})
    now = [START_MS + 4 * HOUR_MS]
    compactor = Compactor(bucket, settings.prefix, settings.config, clock=lambda: now[0])
    # When the schedule runs it three times an hour apart
    runs = []
    for _ in range(3):
        runs.append(handler.run(compactor, settings.lookback_hours))
        now[0] += HOUR_MS
    # Then it merged, then committed, then deleted the inputs
    assert [r.files_out for r in runs] == [2, 0, 0] and [r.committed for r in runs] == [0, 2, 0]
    assert runs[2].deleted == runs[0].files_in
    keys = [o.key for o in bucket.list("lake/")]
    data = [k for k in keys if k.startswith("lake/events/")]
    assert [k.rsplit("/", 1)[1][:2] for k in data] == ["c-", "c-"]
    assert not [k for k in keys if "/pending/" in k] and len([k for k in keys if "events_commits" in k]) == 2
    ids: Counter[str] = Counter()
    for key in data:
        ids.update(pq.read_table(io.BytesIO(bucket.get(key)))["event_id"].to_pylist())
    assert ids == seed.event_ids
