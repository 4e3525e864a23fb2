"""One payload through the pure core and into the lake: normalize, write, then index. No AWS imports here.

The lake is written first and its failure is the invocation's failure. Indexing comes after, through
an `Indexer` passed in (the OpenSearch sink): whatever happens there is reported, never raised, so a
search outage can neither lose data (the sink keeps rejected documents in `failed/`) nor block the lake.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc

from functions.clock import now_ms
from functions.parser.decode import LogBatch
from functions.parser.normalize import BatchContext, NormalizedBatch, normalize
from functions.parser.redact import Redactor
from functions.sinks.keys import Partition
from functions.sinks.outcome import Indexer, IndexOutcome
from functions.sinks.s3_parquet import ObjectStore, WrittenObject, write_batch, write_part


class BatchSink(Protocol):
    """Where the wiring's `handle` sends each decoded batch: an `Ingestor`, or the CLI's coalescer."""

    def ingest(self, batch: LogBatch, ends_at: float | None = None) -> BatchResult: ...


@dataclass(frozen=True, slots=True)
class BatchResult:
    normalized: NormalizedBatch
    objects: list[WrittenObject]
    indexed: IndexOutcome | None = None
    redacted: int = 0  # values the redaction rules replaced

    @property
    def rows(self) -> int:
        return sum(o.rows for o in self.objects)

    @property
    def bytes(self) -> int:
        return sum(o.bytes for o in self.objects)


@dataclass
class Summary:
    """What one invocation (or one CLI run) did; the handler turns it into metrics and a log line."""

    payloads: int = 0
    control_messages: int = 0
    events_in: int = 0
    rows_written: int = 0
    bytes_written: int = 0
    objects_written: int = 0
    unknown_lines: int = 0
    parser_failures: int = 0
    redacted_values: int = 0
    parked_records: int = 0  # Kinesis records that can never be decoded, kept raw under failed/kinesis/
    opensearch_indexed: int = 0
    opensearch_failed: int = 0
    opensearch_skipped: int = 0
    opensearch_retries: int = 0
    opensearch_unrecorded: int = 0  # failed documents that could not be written to failed/ either
    failed_items: list[str] = field(default_factory=list)
    format_counts: dict[str, int] = field(default_factory=dict)
    opensearch_errors: list[str] = field(default_factory=list)

    def add(self, result: BatchResult) -> None:
        self.payloads += 1
        self.events_in += len(result.normalized.batch)
        self.rows_written += result.rows
        self.bytes_written += result.bytes
        self.objects_written += len(result.objects)
        self.unknown_lines += result.normalized.unknown
        self.parser_failures += result.normalized.parser_failures
        self.redacted_values += result.redacted
        for name, count in result.normalized.format_counts.items():
            self.format_counts[name] = self.format_counts.get(name, 0) + count
        if result.indexed is not None:
            self.add_index(result.indexed)

    def add_stored(self, objects: list[WrittenObject], indexed: IndexOutcome | None) -> None:
        """What one write of coalesced rows stored: its objects, then the index's outcome."""
        self.rows_written += sum(o.rows for o in objects)
        self.bytes_written += sum(o.bytes for o in objects)
        self.objects_written += len(objects)
        if indexed is not None:
            self.add_index(indexed)

    def add_index(self, outcome: IndexOutcome) -> None:
        self.opensearch_indexed += outcome.indexed
        self.opensearch_failed += outcome.failed
        self.opensearch_skipped += outcome.skipped
        self.opensearch_retries += outcome.retries
        if outcome.error:
            self.opensearch_unrecorded += outcome.failed
            self.opensearch_errors.append(outcome.error)

    def merge(self, other: Summary) -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, int):
                setattr(self, f.name, mine + theirs)
        self.failed_items.extend(other.failed_items)
        self.opensearch_errors.extend(other.opensearch_errors)
        for name, count in other.format_counts.items():
            self.format_counts[name] = self.format_counts.get(name, 0) + count


def first_row_of_each_id(table: pa.Table) -> pa.Table:
    """A payload that repeats an event id keeps its first row of it (the index keeps one document per id)."""
    ids = table["event_id"]
    if len(set(ids.to_pylist())) == table.num_rows:  # a set of a few hundred ids costs less than a hash kernel
        return table
    positions = pa.array(range(table.num_rows), pa.int64())
    first = table.select(["event_id"]).append_column("_row", positions).group_by("event_id", use_threads=False)
    keep = pc.or_(pc.is_in(positions, value_set=first.aggregate([("_row", "min")])["_row_min"]), pc.is_null(ids))
    return table.filter(keep)


@dataclass(frozen=True)
class Ingestor:
    """The lake and the batch context; built once per cold start (or once per CLI run)."""

    store: ObjectStore
    prefix: str
    region: str
    clock: Callable[[], int] = now_ms
    indexer: Indexer | None = None
    redactor: Redactor = field(default_factory=Redactor)  # redact.DEFAULT_RULES unless configured otherwise

    def ingest(self, batch: LogBatch, ends_at: float | None = None) -> BatchResult:
        """`ends_at`: monotonic time at which the invocation ends, for the indexer's retry deadline."""
        normalized, redacted = self.prepare(batch)
        objects, indexed = self.store_table(normalized.table, batch.identity, ends_at)
        return BatchResult(normalized, objects, indexed, redacted)

    def prepare(self, batch: LogBatch) -> tuple[NormalizedBatch, int]:
        """The pure part: normalized rows, redacted before anything is stored or indexed."""
        normalized = self.normalize(batch)
        table, redacted = self.redactor.apply(normalized.table)
        return replace(normalized, table=table), redacted

    def normalize(self, batch: LogBatch) -> NormalizedBatch:
        """Normalized rows, one per event id, NOT yet redacted: redact them (`redactor.apply`) before
        they are stored. Redaction is row by row, so rows of many batches can be redacted together."""
        normalized = normalize(batch, BatchContext(region=self.region, ingest_time_ms=self.clock()))
        return replace(normalized, table=first_row_of_each_id(normalized.table))

    def store_table(
        self, table: pa.Table, identity: str, ends_at: float | None = None
    ) -> tuple[list[WrittenObject], IndexOutcome | None]:
        """Rows into the lake (one object per event hour, keyed by `identity`), then into the index."""
        return write_batch(self.store, self.prefix, table, identity), self.index(table, identity, ends_at)

    def store_parts(
        self, parts: Sequence[tuple[Partition, pa.Table, str]], identity: str, ends_at: float | None = None
    ) -> tuple[list[WrittenObject], IndexOutcome | None]:
        """Each part (an event hour, its rows, the identity its object is keyed by) into the lake, then
        all of them into the index in one go; `identity` names the whole for the index's failures."""
        objects = [write_part(self.store, self.prefix, hour, table, key) for hour, table, key in parts]
        if not parts:
            return objects, None
        return objects, self.index(pa.concat_tables([table for _, table, _ in parts]), identity, ends_at)

    def index(self, table: pa.Table, identity: str, ends_at: float | None = None) -> IndexOutcome | None:
        """Rows the lake already holds into the search view; never raises."""
        if self.indexer is None:
            return None
        try:
            return self.indexer.index(table, identity, ends_at)
        except Exception as error:  # a bug in the search view must not fail a batch the lake already holds
            rows = table.num_rows
            return IndexOutcome(selected=rows, failed=rows, error=f"indexer crashed: {error!r}")
