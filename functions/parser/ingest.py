"""One payload through the pure core and into the lake: normalize, then write. No AWS imports here."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from functions.parser.decode import LogBatch
from functions.parser.normalize import BatchContext, NormalizedBatch, normalize
from functions.sinks.s3_parquet import ObjectStore, WrittenObject, write_batch


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class BatchResult:
    normalized: NormalizedBatch
    objects: list[WrittenObject]

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
    failed_items: list[str] = field(default_factory=list)
    format_counts: dict[str, int] = field(default_factory=dict)

    def add(self, result: BatchResult) -> None:
        self.payloads += 1
        self.events_in += len(result.normalized.batch)
        self.rows_written += result.rows
        self.bytes_written += result.bytes
        self.objects_written += len(result.objects)
        self.unknown_lines += result.normalized.unknown
        self.parser_failures += result.normalized.parser_failures
        for name, count in result.normalized.format_counts.items():
            self.format_counts[name] = self.format_counts.get(name, 0) + count

    def merge(self, other: Summary) -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, int):
                setattr(self, f.name, mine + theirs)
        self.failed_items.extend(other.failed_items)
        for name, count in other.format_counts.items():
            self.format_counts[name] = self.format_counts.get(name, 0) + count


@dataclass(frozen=True)
class Ingestor:
    """The lake and the batch context; built once per cold start (or once per CLI run)."""

    store: ObjectStore
    prefix: str
    region: str
    clock: Callable[[], int] = _now_ms

    def ingest(self, batch: LogBatch) -> BatchResult:
        normalized = normalize(batch, BatchContext(region=self.region, ingest_time_ms=self.clock()))
        objects = write_batch(self.store, self.prefix, normalized.table, batch.identity)
        return BatchResult(normalized, objects)
