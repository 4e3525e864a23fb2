"""Hostile event ids against the real node: an id OpenSearch can't take as `_id` (over 512 bytes, or
empty) used to fail the whole bulk request. Ids are made valid before sending, deterministically, and
a request refused as a whole is split so that only the bad document fails."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch

from functions.parser.decode import LogBatch, batch_from_json
from functions.parser.ingest import Ingestor
from functions.sinks.keys import MAX_DOCUMENT_ID_BYTES, document_id
from functions.sinks.opensearch import BulkConfig, BulkSender
from functions.sinks.opensearch_docs import Failure, bulk_item
from functions.sinks.s3_parquet import LocalStore
from loglake.cli import main
from tests.opensearch_support import count, make_indexer
from tests.support import load_payload

LONG_ASCII = "3" * 600  # a crafted CloudWatch id: digits, 600 bytes
LONG_UTF8 = "é" * 300  # 300 characters, 600 bytes
EDGE = "7" * 512  # exactly the limit: valid as it is


def hostile_payload() -> dict[str, Any]:
    """A real payload (six or more events) whose ids include ones OpenSearch can't take as they are."""
    payload = load_payload("awslogs_python_text.json")
    events = payload["logEvents"]
    assert len(events) >= 4
    for event, crafted in zip(events[1:], (LONG_ASCII, LONG_UTF8, EDGE, ""), strict=False):
        event["id"] = crafted
    return payload


def batch_of(payload: dict[str, Any]) -> LogBatch:
    batch = batch_from_json(json.dumps(payload).encode())
    assert batch is not None
    return batch


def sources_by_event_id(client: OpenSearch, prefix: str) -> dict[str, tuple[str, dict[str, Any]]]:
    client.indices.refresh(index=f"{prefix}-*")
    hits = client.search(index=f"{prefix}-*", body={"query": {"match_all": {}}, "size": 100})["hits"]["hits"]
    return {hit["_source"]["event_id"]: (hit["_id"], hit["_source"]) for hit in hits}


@pytest.mark.parametrize("event_id", ["", LONG_ASCII, LONG_UTF8, "sha256-" + "0" * 64])
def test_document_ids_are_valid_deterministic_and_never_shared_with_a_plain_id(event_id: str) -> None:
    doc_id = document_id(event_id)
    assert 0 < len(doc_id.encode("utf-8")) <= MAX_DOCUMENT_ID_BYTES
    assert doc_id == document_id(event_id)
    assert doc_id != event_id


@pytest.mark.parametrize("event_id", ["37000000000000000000000000000000000000000000000000000034", EDGE, "a b/c"])
def test_valid_ids_stay_as_they_are(event_id: str) -> None:
    assert document_id(event_id) == event_id


def test_a_payload_with_oversized_and_empty_ids_is_indexed_whole(
    tmp_path: Path, os_client: OpenSearch, index_prefix: str
) -> None:
    # Given a payload whose ids include 600-byte and empty ones
    payload = hostile_payload()
    ingestor = Ingestor(
        store=LocalStore(tmp_path),
        prefix="",
        region="eu-west-1",
        indexer=make_indexer(os_client, tmp_path, index_prefix),
    )
    # When it is ingested with indexing on, twice (a redelivery)
    first = ingestor.ingest(batch_of(payload))
    again = ingestor.ingest(batch_of(payload))
    # Then every event is a document, none failed, and the redelivery overwrote them (same _id)
    n = len(payload["logEvents"])
    assert first.indexed is not None and again.indexed is not None
    assert (first.indexed.indexed, first.indexed.failed) == (n, 0) == (again.indexed.indexed, again.indexed.failed)
    assert count(os_client, index_prefix) == n
    assert not (tmp_path / "failed").exists()
    # And each document keeps its full event id; only the _id of the invalid ones is a digest
    docs = sources_by_event_id(os_client, index_prefix)
    assert set(docs) == {e["id"] for e in payload["logEvents"]}
    for event_id, (doc_id, _) in docs.items():
        assert doc_id == (event_id if event_id and len(event_id.encode()) <= 512 else document_id(event_id))


def test_a_bulk_request_refused_as_a_whole_only_fails_its_bad_document(
    os_client: OpenSearch, index_prefix: str
) -> None:
    # Given six documents, one with an _id OpenSearch refuses for the whole request (sent as is)
    index = f"{index_prefix}-2026.11.27"
    ids = ["a1", "a2", "a3", LONG_ASCII, "a5", "a6"]
    items = [bulk_item(index, doc_id, {"event_id": doc_id[:20], "message": f"m{i}"}) for i, doc_id in enumerate(ids)]
    sender = BulkSender(os_client, BulkConfig())
    # When they are sent in one bulk
    report = sender.send(items, time.monotonic() + 60)
    # Then the five good ones are indexed and only the bad one failed, with OpenSearch's reason
    assert report.indexed == 5
    assert [f.item.doc_id for f in report.failures] == [LONG_ASCII]
    assert report.failures[0].status == 400
    assert count(os_client, index_prefix) == 5


def test_replay_failed_sends_documents_kept_with_an_oversized_id(
    tmp_path: Path, opensearch_url: str, os_client: OpenSearch, index_prefix: str
) -> None:
    # Given failed/opensearch/ lines as the parser wrote them before ids were made valid: the raw
    # 600-byte event id as `_id`
    index = f"{index_prefix}-2026.11.27"
    documents = [{"event_id": event_id, "message": "kept"} for event_id in (LONG_ASCII, LONG_UTF8, "b1")]
    failures = [Failure(bulk_item(index, d["event_id"], d), 400, "id is too long") for d in documents]
    folder = tmp_path / "failed" / "opensearch" / "dt=2026-11-27"
    folder.mkdir(parents=True)
    (folder / "0123.jsonl").write_bytes(b"".join(f.to_line(1_795_756_166_000) for f in failures))
    # When they are replayed
    assert main(["replay-failed", "--lake", str(tmp_path), "--url", opensearch_url]) == 0
    # Then every one is in the index, under a valid _id, and failed/ is empty
    assert set(sources_by_event_id(os_client, index_prefix)) == {LONG_ASCII, LONG_UTF8, "b1"}
    assert list(folder.iterdir()) == []
