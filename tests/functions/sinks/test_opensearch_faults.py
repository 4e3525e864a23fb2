"""The OpenSearch sink behind a fault-injecting proxy in front of the real node: 500s, 503 storms,
connection resets, timeouts and partial bulk failures. Counted: every event is in the lake, and in the
index or in `failed/opensearch/`; retries never add a second document for an event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from loglake.local_ingest import ingest_events, local_ingestor
from loglake.synth import Dataset
from tests.opensearch_support import FaultProxy, all_sources, lake_table, make_indexer

FAST = {"base_delay_s": 0.01, "max_delay_s": 0.05}


def failed_ids(lake: Path) -> list[str]:
    files = sorted((lake / "failed" / "opensearch").rglob("*.jsonl"))
    return [json.loads(line)["id"] for path in files for line in path.read_text().splitlines()]


@pytest.mark.parametrize(
    "case",
    [
        ("status", 503, 6, True),  # an overloaded cluster: retried until it passes
        ("status", 500, 3, False),  # a server error is not retried: its documents are parked in failed/
        ("reset", 0, 4, True),  # connection reset by peer: retried
        # the answer comes after the batch's time budget: parked in failed/ although the node indexed them
        # anyway (replaying them overwrites the same _id), and the next batches get through
        ("slow", 0, 2, False),
        ("partial", 429, 3, True),  # half the documents of a bulk rejected with 429: those retried alone
        ("partial", 400, 2, False),  # half rejected for good: those parked in failed/ with their reason
    ],
)
def test_every_event_ends_in_the_index_or_in_failed_and_none_twice(
    case: tuple[str, int, int, bool],
    small_dataset: Dataset,
    tmp_path: Path,
    index_prefix: str,
    fault_proxy: FaultProxy,
) -> None:
    # Given a cluster whose first bulk requests fail in this way
    mode, status, failures, all_indexed = case
    os_client = OpenSearch(hosts=[fault_proxy.upstream])
    fault_proxy.mode, fault_proxy.status, fault_proxy.item_status = mode, status, status
    fault_proxy.bulk_failures, fault_proxy.slow_s = failures, 2.5
    client = OpenSearch(hosts=[fault_proxy.url], max_retries=0)
    budget = {"budget_s": 1.5, "cooldown_s": 0.0} if mode == "slow" else {}
    indexer = make_indexer(client, tmp_path, index_prefix, **FAST, **budget)
    # When the dataset is ingested through it, one delivery at a time as the parser Lambda takes them
    ingestor = local_ingestor(tmp_path, "eu-west-1", indexer)
    summary = ingest_events(iter(small_dataset.deliveries), ingestor, coalesce_rows=0)
    fault_proxy.settle()  # a bulk the client gave up on ("slow") may still be on its way to the node
    # Then the lake has every event, and each event is a document or a failed/ line
    lake_ids = lake_table(tmp_path)["event_id"].to_pylist()
    assert summary.failed_items == [] and len(lake_ids) == len(set(lake_ids)) == small_dataset.event_count
    documents = all_sources(os_client, index_prefix)
    parked = failed_ids(tmp_path)
    assert set(documents) | set(parked) == set(lake_ids)
    assert summary.opensearch_indexed + summary.opensearch_failed == len(lake_ids)
    assert summary.opensearch_unrecorded == 0
    assert len(parked) == len(set(parked)) == summary.opensearch_failed
    # and no retry added a second document for an event (one _id per event across the daily indices)
    os_client.indices.refresh(index=f"{index_prefix}-*")
    total = int(os_client.count(index=index_prefix)["count"])
    assert total == len(documents) == len(set(lake_ids) - set(parked)) + len(set(parked) & set(documents))
    assert fault_proxy.bulk_calls > failures
    if all_indexed:
        assert parked == [] and summary.opensearch_retries >= failures
    else:
        assert parked and (summary.opensearch_retries == 0 or mode == "slow")
    if mode == "slow":  # the node indexed what the client gave up on: parked, and a document all the same
        assert set(parked) <= set(documents)
