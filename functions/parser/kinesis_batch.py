"""One Kinesis invocation into the lake: every record decoded in order, one object per event hour.

Lambda hands the parser a batch of one shard's records (each a whole CloudWatch Logs payload) and,
when the invocation fails, retries the whole batch, or halves of it (BisectBatchOnFunctionError),
until it succeeds or is given up. Every batch it hands over, first attempt or retry, is a run of
consecutive records of one shard (of one shard's partition keys when ParallelizationFactor > 1), and
a retry starts at the first record of the failed batch or at its middle. So the objects are keyed by
records, not by the invocation:

- the rows of event hour H go to ONE object, keyed by (stream ARN, eventID of the first record in
  the batch that has rows in H) and H; a record's rows count here as the payload gives them
  (`Ingestor.prepare`), so which record owns an hour depends on that record and the ones before it
  in the batch only;
- a retry of the same batch rewrites the same keys with the same rows; a first half owns the same
  hours through the same records as the whole did, so it overwrites those objects with its own
  subset; every hour the whole had but the first half lacks was owned by a record of the second
  half, and no record before it in the second half has rows in that hour, so the second half owns it
  through the same record and overwrites it too. A longer batch starting at the same record owns
  its hours through the same records and overwrites with a superset. Hence, once every record of a
  run is in a batch that succeeded, each of its rows is in exactly one object.
- rows repeating an event id inside one hour of the invocation are kept once (CloudWatch ids embed
  the event time, so real repeats always share the hour).

A record that can never be decoded (`DecodeError`: not gzip, not a CloudWatch payload...) would fail
every retry and block its shard; it is parked raw under `failed/kinesis/` with a key made of the
stream ARN and its eventID (the same for every retry), counted, and the batch goes on. Anything else
(S3 failing after botocore's retries, a bug) fails the whole invocation: Lambda retries the batch,
bisected, as above. The parser never reports a partial batch failure: a reported record would be
retried on its own while an object owned by an earlier record of the batch already holds its rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord

from functions.parser.decode import DecodeError, LogBatch, decode_kinesis_record
from functions.parser.ingest import BatchResult, BatchSink, Ingestor, Summary, first_row_of_each_id
from functions.sinks.keys import Partition, kinesis_identity, parked_key
from functions.sinks.s3_parquet import split_by_hour

PARKED_SOURCE = "kinesis"


@dataclass(frozen=True, slots=True)
class StreamRecord:
    """What the lake needs to know of one Kinesis record, besides its data."""

    source_arn: str
    event_id: str  # `shardId-…:<sequence number>`
    arrived_ms: int  # approximateArrivalTimestamp, epoch milliseconds

    @property
    def identity(self) -> str:
        return kinesis_identity(self.source_arn, self.event_id)


def stream_record(raw: Mapping[str, Any]) -> StreamRecord:
    """The record's identity as Lambda shapes it; an event without it did not come from Lambda."""
    arn, event_id = raw.get("eventSourceARN"), raw.get("eventID")
    kinesis = raw.get("kinesis")
    arrived = kinesis.get("approximateArrivalTimestamp") if isinstance(kinesis, dict) else None
    if not isinstance(arn, str) or not isinstance(event_id, str) or not arn or not event_id:
        raise DecodeError("a Kinesis record lacks its eventSourceARN or eventID")
    if not isinstance(arrived, int | float) or isinstance(arrived, bool) or not 0 <= arrived < 253_402_300_800:
        raise DecodeError(f"Kinesis record {event_id[:120]!r}: approximateArrivalTimestamp is missing or out of range")
    return StreamRecord(arn, event_id, int(arrived * 1000))


def hour_parts(prepared: Sequence[tuple[StreamRecord, pa.Table]]) -> list[tuple[Partition, pa.Table, str]]:
    """The invocation's rows by event hour: each hour, its rows in record order (each event id once) and
    the identity of the first record that has rows in that hour (the object's key)."""
    owners: dict[Partition, StreamRecord] = {}
    tables: dict[Partition, list[pa.Table]] = {}
    for record, table in prepared:
        for partition, part in split_by_hour(table):
            owners.setdefault(partition, record)
            tables.setdefault(partition, []).append(part)
    return [
        (partition, first_row_of_each_id(pa.concat_tables(tables[partition])), owners[partition].identity)
        for partition in sorted(tables)
    ]


def _park(ingestor: Ingestor, record: StreamRecord, raw: Mapping[str, Any], error: DecodeError) -> None:
    """The record as Lambda delivered it, with the reason, where it can be found and replayed."""
    body = json.dumps({"error": str(error), "record": raw}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    key = parked_key(ingestor.prefix, PARKED_SOURCE, record.identity, record.arrived_ms)
    ingestor.store.put(key, body, "application/json")


def _decode(raw: Mapping[str, Any]) -> LogBatch | None:
    return decode_kinesis_record(KinesisStreamRecord(dict(raw)))


def ingest_records(records: Sequence[Mapping[str, Any]], ingestor: Ingestor, ends_at: float | None = None) -> Summary:
    """A Lambda invocation's records into the lake (one object per event hour), then into the index.
    Raises when anything but a record's own content fails: the invocation must then fail whole."""
    summary = Summary()
    prepared: list[tuple[StreamRecord, pa.Table]] = []
    for raw in records:
        record = stream_record(raw)
        try:
            batch = _decode(raw)
        except DecodeError as error:
            _park(ingestor, record, raw, error)
            summary.parked_records += 1
            continue
        if batch is None:
            summary.control_messages += 1
            continue
        normalized, redacted = ingestor.prepare(batch)
        summary.add(BatchResult(normalized, [], redacted=redacted))
        prepared.append((record, normalized.table))
    if not records:
        return summary
    objects, indexed = ingestor.store_parts(hour_parts(prepared), stream_record(records[0]).identity, ends_at)
    summary.add_stored(objects, indexed)
    return summary


def ingest_each(records: Sequence[Mapping[str, Any]], sink: BatchSink, ends_at: float | None = None) -> Summary:
    """Each record's payload to a sink that batches on its own (the CLI's coalescer); a record that
    can't be decoded is reported in `failed_items` (the input file still holds it)."""
    summary = Summary()
    for raw in records:
        try:
            batch = _decode(raw)
        except DecodeError as error:
            summary.failed_items.append(f"Kinesis record {str(raw.get('eventID'))[:120]}: {error}")
            continue
        if batch is None:
            summary.control_messages += 1
        else:
            summary.add(sink.ingest(batch, ends_at))
    return summary
