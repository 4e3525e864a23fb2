"""Pure helpers of the OpenSearch sink: which rows are indexed, rows → bulk items, byte-sized chunks,
and the JSON Lines records of documents OpenSearch rejected. No client, no I/O.

A document is one row of the normalized table with its null columns left out, timestamps as epoch
milliseconds, `_id` = the CloudWatch event id (so a redelivered event overwrites itself; an id
OpenSearch can't take - over 512 bytes, or empty - becomes a digest of it, `keys.document_id`) and
`_index` = the daily index of its event time.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from functions.sinks.keys import DAY_MS, document_id, index_name
from schemas.columns import Kind
from schemas.events import EVENTS, LEVELS

TIME_COLUMNS = tuple(c.name for c in EVENTS.columns if c.kind is Kind.TIMESTAMP)
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class IndexFilter:
    """Which rows reach OpenSearch; the lake keeps every row whatever this says.

    `min_level` drops rows with a level below it (rows without a level — REPORT lines, access logs —
    are kept); `sources` and `record_types`, when given, keep only rows whose value is listed.
    """

    min_level: str | None = None
    sources: frozenset[str] | None = None
    record_types: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.min_level is not None and self.min_level not in LEVELS:
            raise ValueError(f"unknown level {self.min_level!r}: one of {', '.join(LEVELS)}")

    @property
    def is_everything(self) -> bool:
        return self.min_level in (None, LEVELS[0]) and self.sources is None and self.record_types is None

    def select(self, table: pa.Table) -> pa.Table:
        if self.is_everything or table.num_rows == 0:
            return table
        conditions: list[pc.Expression] = []
        if self.min_level not in (None, LEVELS[0]):
            level = pc.field("level")
            conditions.append(level.is_null() | level.isin(LEVELS[LEVELS.index(str(self.min_level)) :]))
        for column, values in (("source", self.sources), ("record_type", self.record_types)):
            if values is not None:
                conditions.append(pc.field(column).isin(sorted(values)))
        return table.filter(functools.reduce(operator.and_, conditions))


class BulkItem(NamedTuple):
    """One bulk `index` operation: its action line and document line, newline-terminated, as bytes."""

    doc_id: str | None
    target: str  # the index
    payload: bytes

    @property
    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.payload.split(b"\n", 2)[1])
        return doc


def bulk_item(index: str, doc_id: str | None, document: dict[str, Any]) -> BulkItem:
    action: dict[str, Any] = {"_index": index} if doc_id is None else {"_index": index, "_id": doc_id}
    payload = _encode({"index": action}) + "\n" + _encode(document) + "\n"
    return BulkItem(doc_id, index, payload.encode("utf-8"))


def _columns_as_lists(table: pa.Table) -> tuple[list[tuple[str, list[Any]]], list[tuple[str, list[Any]]]]:
    """(columns without nulls, columns with some nulls) as Python lists; all-null columns are left out."""
    dense: list[tuple[str, list[Any]]] = []
    sparse: list[tuple[str, list[Any]]] = []
    for name in table.column_names:
        column = table[name]
        if column.null_count == table.num_rows:
            continue
        if name in TIME_COLUMNS:
            column = column.cast(pa.int64())
        (dense if column.null_count == 0 else sparse).append((name, column.to_pylist()))
    return dense, sparse


def documents(table: pa.Table) -> list[dict[str, Any]]:
    """Rows as dicts without their null fields, converted a column at a time (timestamps → epoch ms)."""
    dense, sparse = _columns_as_lists(table)
    dense_names = [name for name, _ in dense]
    docs = [dict(zip(dense_names, values, strict=True)) for values in zip(*(v for _, v in dense), strict=True)]
    if not dense:
        docs = [{} for _ in range(table.num_rows)]
    for name, values in sparse:
        for doc, value in zip(docs, values, strict=True):
            if value is not None:
                doc[name] = value
    return docs


def bulk_items(table: pa.Table, index_prefix: str) -> list[BulkItem]:
    """Every row of `table` (the events schema) as an `index` operation into its daily index."""
    if table.num_rows == 0:
        return []
    times = table["event_time"].cast(pa.int64()).to_pylist()
    days = {t // DAY_MS for t in times if t is not None}
    names = {day: index_name(index_prefix, day * DAY_MS) for day in days}
    undated = f"{index_prefix}-undated"
    ids = [None if event_id is None else document_id(event_id) for event_id in table["event_id"].to_pylist()]
    docs = documents(table)
    return [
        bulk_item(undated if t is None else names[t // DAY_MS], doc_id, doc)
        for t, doc_id, doc in zip(times, ids, docs, strict=True)
    ]


def chunks(items: list[BulkItem], max_bytes: int, max_docs: int) -> Iterator[list[BulkItem]]:
    """Consecutive runs of items whose payloads add up to at most `max_bytes` (one item always fits)."""
    run: list[BulkItem] = []
    size = 0
    for item in items:
        if run and (size + len(item.payload) > max_bytes or len(run) >= max_docs):
            yield run
            run, size = [], 0
        run.append(item)
        size += len(item.payload)
    if run:
        yield run


def bulk_body(items: Iterable[BulkItem]) -> bytes:
    return b"".join(item.payload for item in items)


@dataclass(frozen=True, slots=True)
class Failure:
    """A document OpenSearch did not take, and why: what `failed/opensearch/` keeps, one JSON line each."""

    item: BulkItem
    status: int | None
    reason: Any  # OpenSearch's error object, or a text for transport failures

    def to_line(self, attempted_ms: int) -> bytes:
        record = {
            "failed_at": datetime.fromtimestamp(attempted_ms / 1000, tz=UTC).isoformat(timespec="milliseconds"),
            "index": self.item.target,
            "id": self.item.doc_id,
            "status": self.status,
            "reason": self.reason,
            "document": self.item.document,
        }
        return (_encode(record) + "\n").encode("utf-8")


def parse_failure_line(line: bytes | str) -> Failure:
    """A kept failure, its `_id` made again from the document's event id (lines kept before ids were
    made valid hold the raw id, which OpenSearch would refuse again)."""
    record = json.loads(line)
    document = record["document"]
    event_id = document.get("event_id") if isinstance(document, dict) else None
    doc_id = document_id(event_id) if isinstance(event_id, str) else record["id"]
    return Failure(bulk_item(record["index"], doc_id, document), record["status"], record["reason"])
