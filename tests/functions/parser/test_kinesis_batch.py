"""Kinesis mode under Lambda's real retry semantics: the exact multiset of event ids in the `events` view
(the local engine over a lake folder) after every way Lambda may redeliver a shard's records.

What Lambda does (AWS Lambda Developer Guide: "Using Lambda to process records from Amazon Kinesis Data
Streams", "Configuring partial batch response with Kinesis Data Streams and Lambda", "Retaining records
of discarded batches for a Kinesis Data Streams event source in Lambda"): a batch is a run of consecutive
records of one shard; a failed invocation is retried whole, or bisected (each half retried on its own)
when BisectBatchOnFunctionError is on; a batch read again from the checkpoint may hold more or fewer
records than before. The records here are built as Lambda shapes them; their payloads are real-shaped
CloudWatch Logs payloads (tests/events/lambda) whose events spread over three event hours.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from functions.parser.decode import DecodeError, decode_kinesis_record
from functions.parser.ingest import Ingestor
from functions.parser.kinesis_batch import hour_parts, stream_record
from functions.parser.wiring import handle, handle_kinesis
from functions.sinks.outcome import IndexOutcome
from functions.sinks.s3_parquet import PARQUET, LocalStore
from loglake.engine import LocalEngine
from tests.support import load_payload

ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/loglake-dev-logs"
HOUR_MS = 3_600_000
BASE_MS = 1795755600000  # 2026-11-27T05:00:00Z, the hour of the real payloads
# Which event hours (offsets from BASE_MS) each record's events fall in: records interleave hours, and
# hour 2 first appears in the second half of the batch, so a first half lacks an hour the whole had.
LAYOUT: list[tuple[int, ...]] = [(0,), (0, 1), (1,), (0,), (2, 1), (2,), (1, 2), (0, 2)]
TEMPLATE = load_payload("awslogs_python_text.json")


def record_payload(n: int, hours: Sequence[int], events_per_hour: int = 3) -> dict[str, Any]:
    """Payload `n`: real log lines of one log stream, `events_per_hour` events in each of `hours`,
    with ids of the CloudWatch form (56 digits) and unique to this payload and event."""
    lines = [e["message"] for e in TEMPLATE["logEvents"]]
    events = []
    for h in hours:
        for i in range(events_per_hour):
            timestamp = BASE_MS + h * HOUR_MS + 60_000 * n + i
            events.append({"id": f"{timestamp:020d}{n:06d}{i:030d}", "timestamp": timestamp, "message": lines[i]})
    return {**TEMPLATE, "logStream": f"2026/11/27/[$LATEST]{n:032x}", "logEvents": events}


def kinesis_record(data: bytes, seq: int, partition_key: str = "pk") -> dict[str, Any]:
    """One record of a Lambda Kinesis event (sequence numbers of one shard increase with `seq`)."""
    number = f"49657813497358{seq:042d}"
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": number,
            "data": base64.b64encode(data).decode("ascii"),
            "approximateArrivalTimestamp": BASE_MS / 1000 + 3 * 3600 + seq / 10,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000003:{number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/loglake-dev-parser-kinesis",
        "awsRegion": "eu-west-1",
        "eventSourceARN": ARN,
    }


def gz(payload: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(payload).encode("utf-8"))


@dataclass
class Shard:
    """A shard's records and, independently of the parser, the event ids and hours each one carries."""

    records: list[dict[str, Any]] = field(default_factory=list)
    ids: list[list[str]] = field(default_factory=list)
    hours: list[set[int]] = field(default_factory=list)

    def add(self, data: bytes, ids: list[str], hours: set[int], partition_key: str = "pk") -> None:
        self.records.append(kinesis_record(data, len(self.records), partition_key))
        self.ids.append(ids)
        self.hours.append(hours)

    def add_payload(self, payload: dict[str, Any], partition_key: str = "pk") -> None:
        hours = {(e["timestamp"] - BASE_MS) // HOUR_MS for e in payload["logEvents"]}
        self.add(gz(payload), [e["id"] for e in payload["logEvents"]], hours, partition_key)

    def expected(self, indices: Sequence[int] | None = None) -> Counter[str]:
        chosen = range(len(self.records)) if indices is None else indices
        return Counter(i for n in chosen for i in self.ids[n])

    def hours_of(self, indices: Sequence[int]) -> int:
        return len(set().union(*(self.hours[n] for n in indices)))


def layout_shard(layout: Sequence[tuple[int, ...]] = LAYOUT) -> Shard:
    shard = Shard()
    for n, hours in enumerate(layout):
        shard.add_payload(record_payload(n, hours))
    return shard


class InjectedFailure(ConnectionError):
    """S3 still failing after botocore's retries: the invocation fails and Lambda retries it."""


class FlakyStore:
    """A lake folder whose next put fails after `passes` more puts succeed (None: none fails)."""

    def __init__(self, root: Path) -> None:
        self.inner = LocalStore(root)
        self.passes: int | None = None
        self.puts = 0

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None:
        if self.passes is not None:
            if self.passes == 0:
                self.passes = None
                raise InjectedFailure(f"injected failure writing {key}")
            self.passes -= 1
        self.puts += 1
        self.inner.put(key, body, content_type)


@dataclass
class Lake:
    root: Path
    store: FlakyStore
    ingestor: Ingestor

    def invoke(self, records: Sequence[dict[str, Any]], fail_after: int | None = None) -> bool:
        """One Lambda invocation; False when it failed (then Lambda retries). `fail_after`: puts that
        succeed before one fails; if the invocation makes no more puts than that, it fails at its end
        (a timeout after its last write)."""
        self.store.passes = fail_after
        try:
            handle_kinesis({"Records": list(records)}, self.ingestor)
        except InjectedFailure:
            return False
        finally:
            timed_out, self.store.passes = self.store.passes is not None, None
        return not timed_out

    def event_ids(self) -> Counter[str]:
        return Counter(row[0] for row in LocalEngine(self.root).query("SELECT event_id FROM events").rows)

    def objects(self) -> list[Path]:
        return sorted((self.root / "events").rglob("*.parquet"))

    def parked(self) -> list[Path]:
        return sorted((self.root / "failed" / "kinesis").rglob("*.json"))


def new_lake(root: Path) -> Lake:
    store = FlakyStore(root)
    return Lake(root, store, Ingestor(store=store, prefix="", region="eu-west-1", clock=lambda: 0))


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return new_lake(tmp_path / "lake")


def test_a_batch_is_one_object_per_event_hour_with_every_event(lake: Lake) -> None:
    shard = layout_shard()
    # When one invocation takes the whole batch (8 payloads over 3 event hours)
    assert lake.invoke(shard.records)
    # Then every event is in `events` once, in one object per hour, each holding only its hour
    assert lake.event_ids() == shard.expected()
    assert len(lake.objects()) == 3
    for path in lake.objects():
        hour = int(path.parent.name.removeprefix("hour="))
        times = pq.read_table(path, columns=["event_time"])["event_time"].cast(pa.int64()).to_pylist()
        assert {t // HOUR_MS % 24 for t in times} == {hour}


def test_the_same_batch_retried_overwrites_its_objects(lake: Lake) -> None:
    shard = layout_shard()
    assert lake.invoke(shard.records)
    first = {p.name for p in lake.objects()}
    assert lake.invoke(shard.records)
    assert lake.event_ids() == shard.expected()
    assert {p.name for p in lake.objects()} == first


@pytest.mark.parametrize("fail_after", [0, 1, 2])
def test_a_failure_after_some_hours_were_written_then_the_same_batch_again(lake: Lake, fail_after: int) -> None:
    shard = layout_shard()
    # Given an invocation that wrote `fail_after` of its 3 hour objects, then failed
    assert not lake.invoke(shard.records, fail_after=fail_after)
    assert len(lake.objects()) == fail_after
    # When Lambda retries the batch
    assert lake.invoke(shard.records)
    # Then every event is there exactly once
    assert lake.event_ids() == shard.expected()
    assert len(lake.objects()) == 3


@pytest.mark.parametrize("fail_after", [0, 1, 2, 3])
def test_a_failed_batch_bisected_into_halves(lake: Lake, fail_after: int) -> None:
    shard = layout_shard()
    # Given an invocation that failed after writing `fail_after` of its 3 objects (3: timed out after them)
    assert not lake.invoke(shard.records, fail_after=fail_after)
    assert len(lake.objects()) == fail_after
    # When Lambda bisects it and each half succeeds
    first, second = shard.records[:4], shard.records[4:]
    assert lake.invoke(first) and lake.invoke(second)
    # Then every event is once in `events`, and the objects are those of the halves only
    assert lake.event_ids() == shard.expected()
    assert len(lake.objects()) == shard.hours_of(range(4)) + shard.hours_of(range(4, 8))


def test_a_failed_half_bisected_again_into_quarters(lake: Lake) -> None:
    shard = layout_shard()
    r = shard.records
    assert not lake.invoke(r, fail_after=3)  # the whole batch wrote all 3 objects, then timed out
    assert not lake.invoke(r[:4], fail_after=1)  # its first half wrote one of its 2, then failed
    assert lake.invoke(r[:2]) and lake.invoke(r[2:4]) and lake.invoke(r[4:])
    assert lake.event_ids() == shard.expected()
    final = [range(0, 2), range(2, 4), range(4, 8)]
    assert len(lake.objects()) == sum(shard.hours_of(b) for b in final)


@pytest.mark.parametrize("length", [2, 3, 5, 8])
def test_a_retry_from_the_same_record_with_more_or_fewer_records(lake: Lake, length: int) -> None:
    # Given a batch of 6 records that wrote its objects and failed (a timeout after the last write)
    shard = layout_shard()
    r = shard.records
    assert not lake.invoke(r[:6], fail_after=3)
    # When the batch is read again from its first record with `length` records (the batching window
    # and the payload limit decide), and the following batches take the rest
    assert lake.invoke(r[:length])
    assert lake.invoke(r[length:]) if length < len(r) else True
    # Then every event is there exactly once
    assert lake.event_ids() == shard.expected()


def test_a_resumed_shard_continues_where_the_checkpoint_is(lake: Lake) -> None:
    shard = layout_shard()
    r = shard.records
    # Three batches in a row, the second one failing once after a write, then retried
    assert lake.invoke(r[:3])
    assert not lake.invoke(r[3:6], fail_after=1)
    assert lake.invoke(r[3:6]) and lake.invoke(r[6:])
    assert lake.event_ids() == shard.expected()
    assert len(lake.objects()) == sum(shard.hours_of(b) for b in (range(3), range(3, 6), range(6, 8)))


def test_an_undecodable_record_in_the_middle_is_parked_and_blocks_nothing(lake: Lake) -> None:
    shard = Shard()
    for n, hours in enumerate(LAYOUT[:3]):
        shard.add_payload(record_payload(n, hours))
    shard.add(b"\x1f\x8b not really gzip", [], set())
    for n, hours in enumerate(LAYOUT[3:], start=3):
        shard.add_payload(record_payload(n, hours))
    # When the batch is ingested, twice (a redelivery)
    assert lake.invoke(shard.records) and lake.invoke(shard.records)
    # Then the good records are all in `events`, once; the bad one is kept raw, once, with the reason
    assert lake.event_ids() == shard.expected()
    (parked,) = lake.parked()
    body = json.loads(parked.read_text())
    assert body["record"] == shard.records[3] and "gzip" in body["error"]
    # And after a failure and a bisection around it, still exactly that
    assert not lake.invoke(shard.records, fail_after=1)
    assert lake.invoke(shard.records[:4]) and lake.invoke(shard.records[4:])
    assert lake.event_ids() == shard.expected() and len(lake.parked()) == 1


def test_a_control_message_record_is_counted_and_writes_nothing(lake: Lake) -> None:
    shard = layout_shard(LAYOUT[:2])
    shard.add(gz(load_payload("awslogs_control_message.json")), [], set())
    summary, response = handle({"Records": shard.records}, lake.ingestor)
    assert response == {"batchItemFailures": []}
    assert (summary.control_messages, summary.parked_records) == (1, 0)
    assert lake.event_ids() == shard.expected()
    assert len(lake.objects()) == shard.hours_of(range(3))


def test_duplicate_records_inside_one_batch_are_stored_once(lake: Lake) -> None:
    # Given a batch where a producer's retry put the same payload twice (two records, two sequence numbers)
    payload = record_payload(0, (0, 1))
    shard = layout_shard(LAYOUT[1:4])
    shard.add_payload(payload)
    shard.add_payload(payload)
    # When it is ingested
    summary, _ = handle({"Records": shard.records}, lake.ingestor)
    # Then each event is once in `events`: the invocation keeps one row per event id and hour
    assert lake.event_ids() == Counter(set(shard.expected()))
    assert summary.rows_written == len(set(shard.expected())) < summary.events_in


def test_parallel_batches_of_one_shard_interleaved(lake: Lake) -> None:
    # Given one shard whose records alternate between two partition keys; with ParallelizationFactor 2
    # Lambda may hand each key's records to its own concurrent batches
    shard = Shard()
    for n, hours in enumerate(LAYOUT + LAYOUT):
        shard.add_payload(record_payload(n, hours), partition_key=f"pk-{n % 2}")
    even = [r for n, r in enumerate(shard.records) if n % 2 == 0]
    odd = [r for n, r in enumerate(shard.records) if n % 2 == 1]
    # When their invocations interleave, each failing once, retried and bisected on its own
    assert not lake.invoke(even[:6], fail_after=2)
    assert lake.invoke(odd[:4])
    assert not lake.invoke(odd[4:], fail_after=1)
    assert lake.invoke(even[:3])
    assert lake.invoke(odd[4:6])
    assert lake.invoke(even[3:6])
    assert lake.invoke(odd[6:]) and lake.invoke(even[6:])
    # Then every event of both is once in `events`
    assert lake.event_ids() == shard.expected()


def test_what_a_given_up_first_half_leaves(lake: Lake) -> None:
    """The one documented edge: Lambda gives up a first half (retries or record age exhausted) after the
    whole batch had written an object that its first half owns: that object stays, with rows of both
    halves. Nothing is lost; rows of the second half may be there twice until compaction keeps one."""
    shard = layout_shard()
    r = shard.records
    assert not lake.invoke(r, fail_after=3)  # the whole batch wrote its 3 objects, then timed out
    # The first half is given up (never succeeds); the second half succeeds
    assert lake.invoke(r[4:])
    stored = lake.event_ids()
    assert set(stored) >= set(shard.expected(range(4, 8)))  # the second half: all there
    assert set(stored) <= set(shard.expected())  # nothing that was not sent
    assert max(stored.values()) <= 2


# ------------------------------------------------------------ model: any sequence Lambda may produce


class Delivery:
    """Lambda's event source mapping over one shard, as its documentation describes it: a batch read at
    the checkpoint has any length; a failed batch is bisected (BisectBatchOnFunctionError: each half is
    then a fixed set of records, retried until it succeeds, and may be bisected again), or, if it was
    read at the checkpoint, read there again with any length; the checkpoint moves past a batch (or
    both halves of one) once it succeeded."""

    def __init__(self, lake: Lake, records: list[dict[str, Any]], draw: Callable[[Any], Any]) -> None:
        self.lake, self.records, self.draw = lake, records, draw
        self.failures_left = 6
        self.succeeded: list[range] = []

    def run(self) -> None:
        start = 0
        while start < len(self.records):
            start = self.settle(start, start + self.draw(st.integers(1, len(self.records) - start)), fixed=False)

    def settle(self, start: int, end: int, fixed: bool) -> int:
        """Attempts of the batch [start, end) and its retries until they succeed; where the next batch starts."""
        fail_after = None
        if self.failures_left and self.draw(st.booleans()):
            self.failures_left -= 1
            fail_after = self.draw(st.integers(0, 3))
        if self.lake.invoke(self.records[start:end], fail_after):
            self.succeeded.append(range(start, end))
            return end
        if end - start > 1 and self.draw(st.booleans()):
            middle = start + (end - start) // 2
            self.settle(start, middle, fixed=True)
            return self.settle(middle, end, fixed=True)
        if fixed:
            return self.settle(start, end, fixed=True)
        return self.settle(start, start + self.draw(st.integers(1, len(self.records) - start)), fixed=False)


@settings(max_examples=60, deadline=None, derandomize=True, database=None, phases=[Phase.generate])
@given(st.data())
def test_any_delivery_lambda_may_make_stores_every_event_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    shard = Shard()
    for n in range(10):
        shard.add_payload(record_payload(n, data.draw(st.sets(st.integers(0, 2), min_size=1))))
    lake = new_lake(tmp_path_factory.mktemp("lake"))
    delivery = Delivery(lake, shard.records, data.draw)
    delivery.run()
    assert lake.event_ids() == shard.expected()
    assert len(lake.objects()) == sum(shard.hours_of(b) for b in delivery.succeeded)


# ------------------------------------------------------------ the pieces


def test_an_hour_is_owned_by_the_first_record_with_rows_in_it(lake: Lake) -> None:
    shard = layout_shard()
    prepared = []
    for raw in shard.records:
        decoded = decode_kinesis_record(KinesisStreamRecord(raw))
        assert decoded is not None
        prepared.append((stream_record(raw), lake.ingestor.prepare(decoded)[0].table))
    parts = hour_parts(prepared)
    owners = [identity.rsplit("\x00", 1)[1] for _, _, identity in parts]
    # hour 0 first appears in record 0, hour 1 in record 1, hour 2 in record 4 (see LAYOUT)
    assert owners == [shard.records[n]["eventID"] for n in (0, 1, 4)]


def test_a_record_without_its_identity_is_refused() -> None:
    raw = kinesis_record(gz(record_payload(0, (0,))), 0)
    del raw["eventID"]
    with pytest.raises(DecodeError, match="eventID"):
        stream_record(raw)
    raw = kinesis_record(gz(record_payload(0, (0,))), 0)
    raw["kinesis"]["approximateArrivalTimestamp"] = "yesterday"
    with pytest.raises(DecodeError, match="approximateArrivalTimestamp"):
        stream_record(raw)


class CountingIndexer:
    """An indexer that records what it was asked to index."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], str]] = []

    def index(self, table: pa.Table, identity: str, ends_at: float | None = None) -> IndexOutcome:
        self.calls.append((table["event_id"].to_pylist(), identity))
        return IndexOutcome(selected=table.num_rows, indexed=table.num_rows)


def test_the_index_gets_the_whole_invocation_in_one_call(tmp_path: Path) -> None:
    # Given an ingestor with a search view, and a batch over 3 event hours
    indexer = CountingIndexer()
    ingestor = Ingestor(store=LocalStore(tmp_path), prefix="", region="eu-west-1", clock=lambda: 0, indexer=indexer)
    shard = layout_shard()
    # When the batch is ingested
    summary, _ = handle({"Records": shard.records}, ingestor)
    # Then the index is called once, with every event of the batch, named after its first record
    ((ids, identity),) = indexer.calls
    assert Counter(ids) == shard.expected()
    assert identity.endswith(shard.records[0]["eventID"])
    assert summary.opensearch_indexed == sum(shard.expected().values()) == summary.rows_written
