"""The OpenSearch sink against a real node: counts, idempotency, mapping errors, throttling, outages."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
from opensearchpy import OpenSearch

from loglake.local_ingest import ingest_events, local_ingestor
from loglake.synth import Dataset
from tests.opensearch_support import FaultProxy, count, lake_table, make_indexer


def ingest(dataset: Dataset, lake: Path, client: OpenSearch, prefix: str, **config: object) -> tuple[int, int]:
    """(rows in the lake, documents indexed) after ingesting every delivery with indexing on."""
    indexer = make_indexer(client, lake, prefix, **config)
    summary = ingest_events(iter(dataset.deliveries), local_ingestor(lake, "eu-west-1", indexer))
    assert summary.failed_items == []
    return summary.rows_written, summary.opensearch_indexed


def failed_lines(lake: Path) -> list[dict[str, object]]:
    files = sorted((lake / "failed" / "opensearch").rglob("*.jsonl"))
    return [json.loads(line) for path in files for line in path.read_text().splitlines()]


def test_every_lake_row_is_one_document_in_the_daily_index_of_its_event_time(
    small_dataset: Dataset, tmp_path: Path, os_client: OpenSearch, index_prefix: str
) -> None:
    # Given two hours of generated Lambda and API Gateway logs across midnight
    # When they are ingested with indexing on
    rows, indexed = ingest(small_dataset, tmp_path, os_client, index_prefix)
    # Then every row of the lake is a document, in the index of its UTC day
    lake = lake_table(tmp_path)
    assert rows == indexed == lake.num_rows == small_dataset.event_count
    assert count(os_client, index_prefix) == lake.num_rows
    for day in ("2026.11.26", "2026.11.27"):
        expected = pc.sum(pc.equal(lake["dt"], day.replace(".", "-"))).as_py()
        assert expected and count(os_client, f"{index_prefix}-{day}") == expected
    assert not (tmp_path / "failed").exists()


def test_redelivery_leaves_the_counts_unchanged(
    small_dataset: Dataset, tmp_path: Path, os_client: OpenSearch, index_prefix: str
) -> None:
    # Given a dataset already indexed
    ingest(small_dataset, tmp_path, os_client, index_prefix)
    before = count(os_client, index_prefix)
    # When every delivery arrives a second time
    rows, indexed = ingest(small_dataset, tmp_path, os_client, index_prefix)
    # Then the documents were overwritten (same _id), not added
    assert indexed == rows == before
    assert count(os_client, index_prefix) == before == lake_table(tmp_path).num_rows


def test_a_mapping_error_lands_in_failed_with_the_reason_and_the_document(
    small_dataset: Dataset, tmp_path: Path, os_client: OpenSearch, index_prefix: str
) -> None:
    # Given a daily index that someone created with a wrong mapping for request_id
    broken = f"{index_prefix}-2026.11.27"
    os_client.indices.create(index=broken, body={"mappings": {"properties": {"request_id": {"type": "long"}}}})
    # When the dataset is ingested
    rows, indexed = ingest(small_dataset, tmp_path, os_client, index_prefix)
    # Then the documents that can't be mapped are in failed/, each with its reason and whole document
    failures = failed_lines(tmp_path)
    assert failures and indexed + len(failures) == rows == lake_table(tmp_path).num_rows
    assert {f["index"] for f in failures} == {broken}
    assert {f["reason"]["type"] for f in failures} == {"mapper_parsing_exception"}  # type: ignore[index]
    assert all(f["status"] == 400 and f["document"]["request_id"] for f in failures)  # type: ignore[index]
    assert all(f["id"] == f["document"]["event_id"] for f in failures)  # type: ignore[index]
    assert count(os_client, index_prefix) == indexed


def test_a_429_storm_is_retried_until_it_passes(
    small_dataset: Dataset, tmp_path: Path, os_client: OpenSearch, index_prefix: str, fault_proxy: FaultProxy
) -> None:
    # Given a cluster that answers the first 5 bulk requests with 429 Too Many Requests
    fault_proxy.bulk_failures = 5
    throttled = OpenSearch(hosts=[fault_proxy.url], max_retries=0)
    # When a dataset is ingested through it
    indexer = make_indexer(throttled, tmp_path, index_prefix, base_delay_s=0.01, max_delay_s=0.05)
    summary = ingest_events(iter(small_dataset.deliveries), local_ingestor(tmp_path, "eu-west-1", indexer))
    # Then the throttled requests were retried, and everything got in
    assert summary.opensearch_retries == 5 and fault_proxy.bulk_calls > 5
    assert summary.opensearch_failed == 0 and not (tmp_path / "failed").exists()
    assert count(os_client, index_prefix) == summary.rows_written == small_dataset.event_count


def test_an_outage_never_loses_data_nor_blocks_the_lake(small_dataset: Dataset, tmp_path: Path) -> None:
    # Given an OpenSearch endpoint that refuses connections
    down = OpenSearch(hosts=["http://127.0.0.1:9"], max_retries=0, timeout=2)
    indexer = make_indexer(down, tmp_path, "loglake-events", base_delay_s=0.01, max_delay_s=0.05, budget_s=0.3)
    # When the dataset is ingested
    summary = ingest_events(iter(small_dataset.deliveries), local_ingestor(tmp_path, "eu-west-1", indexer))
    # Then the lake has every row, and every document is kept in failed/ for replay
    lake = lake_table(tmp_path)
    assert summary.failed_items == [] and lake.num_rows == small_dataset.event_count
    assert summary.opensearch_indexed == 0 and summary.opensearch_failed == lake.num_rows
    ids = {f["id"] for f in failed_lines(tmp_path)}
    assert ids == set(lake["event_id"].to_pylist())
