"""`replay-failed` and `reindex` on a lake in S3 (moto) against the real OpenSearch node: production
failures land on S3, and the index can be rebuilt from S3 as from a folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from opensearchpy import OpenSearch

from functions.sinks.opensearch import BulkConfig, BulkSender, OpenSearchIndexer
from functions.sinks.s3_parquet import S3Store
from loglake.cli import main
from loglake.local_ingest import ingest_events, local_ingestor
from loglake.synth import Dataset
from tests.aws_fakes import REGION
from tests.opensearch_support import all_sources, count, index_without_column, lake_table, replay_once_fixed

BUCKET = "prod-lake"


@pytest.fixture
def s3(aws: None) -> Iterator[Any]:
    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield client


def keys(s3: Any, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def test_replay_failed_resends_the_failures_kept_on_s3(
    s3: Any, small_dataset: Dataset, tmp_path: Path, opensearch_url: str, index_prefix: str
) -> None:
    os_client = OpenSearch(hosts=[opensearch_url], max_retries=0, timeout=60)
    # Given a daily index made by an older template, without the `error_type` column
    index_without_column(os_client, index_prefix, "error_type")
    # And the documents it rejects kept as the Lambda keeps them: under failed/ of the S3 lake
    lake = tmp_path / "lake"
    sender = BulkSender(os_client, BulkConfig())
    indexer = OpenSearchIndexer(
        sender=sender, store=S3Store(s3, BUCKET), lake_prefix="lake/", index_prefix=index_prefix
    )
    ingest_events(iter(small_dataset.deliveries), local_ingestor(lake, REGION, indexer))
    failed = keys(s3, "lake/failed/opensearch/")
    assert failed and all(key.endswith(".jsonl") for key in failed)
    replay = ["replay-failed", "--lake", f"s3://{BUCKET}/lake", "--url", opensearch_url]
    # When replay runs before the fix, Then they stay on S3, all of them
    assert main(replay) == 1
    assert keys(s3, "lake/failed/opensearch/") == failed
    # When the template is fixed (setup adds the column) and replay runs again
    assert replay_once_fixed(replay, opensearch_url, index_prefix) == 0
    # Then failed/ on S3 is empty and the index holds exactly the lake
    assert keys(s3, "lake/failed/") == []
    table = lake_table(lake)
    assert count(os_client, index_prefix) == table.num_rows
    assert set(all_sources(os_client, index_prefix)) == set(table["event_id"].to_pylist())


def test_reindex_from_s3_equals_reindex_from_the_folder(
    s3: Any, small_dataset: Dataset, tmp_path: Path, opensearch_url: str, index_prefix: str
) -> None:
    os_client = OpenSearch(hosts=[opensearch_url], max_retries=0, timeout=60)
    # Given a lake folder and the same objects copied to s3://prod-lake/lake/
    lake = tmp_path / "lake"
    ingest_events(iter(small_dataset.deliveries), local_ingestor(lake, REGION))
    for path in sorted(p for p in lake.rglob("*") if p.is_file()):
        s3.put_object(Bucket=BUCKET, Key=f"lake/{path.relative_to(lake).as_posix()}", Body=path.read_bytes())
    base = ["reindex", "--url", opensearch_url, "--index-prefix", index_prefix, "--since", "2026-11-26"]
    # When the index is built from the folder
    assert main([*base, "--lake", str(lake)]) == 0
    from_folder = all_sources(os_client, index_prefix)
    # And, the indices lost, from S3
    os_client.indices.delete(index=f"{index_prefix}-*")
    assert main([*base, "--lake", f"s3://{BUCKET}/lake"]) == 0
    from_s3 = all_sources(os_client, index_prefix)
    # Then both hold every lake row, the same documents
    assert len(from_folder) == lake_table(lake).num_rows == small_dataset.event_count
    assert from_s3 == from_folder
