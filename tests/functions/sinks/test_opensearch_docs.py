"""Rows → bulk items, filters, byte-sized chunks and failure records: pure, no node needed."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from functions.parser.decode import decode_awslogs
from functions.parser.normalize import BatchContext, normalize
from functions.sinks.keys import failed_key, index_name
from functions.sinks.opensearch_docs import (
    Failure,
    IndexFilter,
    bulk_body,
    bulk_item,
    bulk_items,
    chunks,
    documents,
    parse_failure_line,
)
from schemas.arrow import arrow_schema
from schemas.events import EVENTS
from tests.support import awslogs_event, load_payload


def normalized(name: str) -> pa.Table:
    batch = decode_awslogs(awslogs_event(load_payload(name)))
    assert batch is not None
    return normalize(batch, BatchContext("eu-west-1", 1_795_800_000_000)).table


def rows(**columns: list[object]) -> pa.Table:
    n = len(next(iter(columns.values())))
    data = {f.name: pa.array(columns.get(f.name, [None] * n), f.type) for f in arrow_schema(EVENTS)}
    return pa.table(data, schema=arrow_schema(EVENTS))


def test_documents_are_rows_without_nulls_and_with_epoch_millis() -> None:
    # Given a normalized batch of real-shaped Python runtime lines
    table = normalized("awslogs_python_text.json")
    # When it becomes documents
    docs = documents(table)
    # Then each document is its row minus the nulls, timestamps as epoch milliseconds
    expected = table.to_pylist()
    assert len(docs) == table.num_rows
    for doc, row in zip(docs, expected, strict=True):
        assert doc["event_time"] == int(row["event_time"].timestamp() * 1000)
        assert {k for k, v in row.items() if v is not None} == set(doc)
        assert all(doc[k] == row[k] for k in doc if k not in ("event_time", "ingest_time"))


def test_bulk_items_use_the_event_id_and_the_daily_index_of_the_event_time() -> None:
    # Given two rows on both sides of midnight UTC
    table = rows(event_id=["111", "222"], event_time=[1_795_823_999_999, 1_795_824_000_000], message=["a", "b"])
    # When they become bulk items
    items = bulk_items(table, "loglake-events")
    # Then the _id is the CloudWatch event id and the index is the day of the event
    assert [(i.doc_id, i.target) for i in items] == [
        ("111", "loglake-events-2026.11.27"),
        ("222", "loglake-events-2026.11.28"),
    ]
    action, source, _ = items[0].payload.split(b"\n")
    assert json.loads(action) == {"index": {"_index": "loglake-events-2026.11.27", "_id": "111"}}
    assert json.loads(source) == {"event_id": "111", "event_time": 1_795_823_999_999, "message": "a"}
    assert index_name("x", 1_795_824_000_000) == "x-2026.11.28"


def test_filter_keeps_rows_without_a_level_and_those_at_or_above_the_minimum() -> None:
    table = rows(
        event_id=["1", "2", "3", "4", "5"],
        level=[None, "DEBUG", "INFO", "ERROR", "WARN"],
        source=["lambda", "lambda", "apigateway", "lambda", "other"],
        record_type=["report", "app", "access", "app", "app"],
    )
    assert IndexFilter().select(table) is table
    assert IndexFilter(min_level="WARN").select(table)["event_id"].to_pylist() == ["1", "4", "5"]
    assert IndexFilter(sources=frozenset({"lambda"})).select(table)["event_id"].to_pylist() == ["1", "2", "4"]
    both = IndexFilter(min_level="INFO", record_types=frozenset({"app", "access"}))
    assert both.select(table)["event_id"].to_pylist() == ["3", "4", "5"]
    with pytest.raises(ValueError, match="unknown level"):
        IndexFilter(min_level="LOUD")


def test_chunks_never_exceed_the_byte_budget_and_keep_the_order() -> None:
    items = [bulk_item("i", str(n), {"message": "x" * (n * 10)}) for n in range(50)]
    budget = 600
    runs = list(chunks(items, max_bytes=budget, max_docs=1000))
    assert [item for run in runs for item in run] == items
    assert all(len(bulk_body(run)) <= budget for run in runs if len(run) > 1)
    assert len(list(chunks(items, max_bytes=10**9, max_docs=7))) == 8


def test_a_failure_line_keeps_the_reason_and_the_whole_document() -> None:
    # Given a document OpenSearch rejected
    item = bulk_item("loglake-events-2026.11.27", "42", {"event_id": "42", "message": "héllo"})
    reason = {"type": "mapper_parsing_exception", "reason": "failed to parse field [status_code]"}
    # When it is written as a line of failed/opensearch/ and read back
    line = Failure(item, 400, reason).to_line(1_795_800_000_000)
    again = parse_failure_line(line)
    # Then nothing is lost: the same bulk operation, and why it failed
    record = json.loads(line)
    assert record["failed_at"] == "2026-11-27T17:20:00.000+00:00"
    assert (record["status"], record["reason"], record["document"]) == (400, reason, item.document)
    assert again.item == item and again.reason == reason


def test_failed_keys_are_deterministic_per_payload_and_day() -> None:
    key = failed_key("lake/", "opensearch", "owner\x1fgroup", 1_795_800_000_000)
    assert key.startswith("lake/failed/opensearch/dt=2026-11-27/") and key.endswith(".jsonl")
    assert key == failed_key("lake/", "opensearch", "owner\x1fgroup", 1_795_800_000_001)
    assert key != failed_key("lake/", "opensearch", "owner\x1fother", 1_795_800_000_000)
