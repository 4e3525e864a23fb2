"""Feed files of Lambda events through the parser's handler code into a local lake folder."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from functions.parser.decode import DecodeError, LogBatch
from functions.parser.ingest import BatchResult, BatchSink, Ingestor, Summary
from functions.parser.wiring import handle
from functions.sinks.outcome import Indexer
from functions.sinks.s3_parquet import LocalStore

# rows a coalesced object may gather before it is written (about 100 MB of Arrow at most)
COALESCE_ROWS = 250_000


class InputError(ValueError):
    pass


def read_events(path: Path) -> Iterator[dict[str, Any]]:
    """A file holds one JSON object, a JSON array of them, or JSON Lines."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            items: list[Any] = [json.loads(line) for line in lines]
        except ValueError as exc:
            raise InputError(f"{path}: neither JSON nor JSON Lines ({exc})") from exc
    else:
        items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{path}: item {index} is not a JSON object (a Lambda event)")
        yield item


def local_ingestor(lake: Path, region: str, indexer: Indexer | None = None) -> Ingestor:
    return Ingestor(store=LocalStore(lake), prefix="", region=region, indexer=indexer)


@dataclass
class Progress:
    """A one-line counter on a terminal; a line every few seconds when stderr is a file or a pipe."""

    out: TextIO = field(default_factory=lambda: sys.stderr)  # the stream of the moment, not of import time
    started: float = field(default_factory=time.perf_counter)
    _last: float = 0.0

    def tick(self, summary: Summary, force: bool = False) -> None:
        now = time.perf_counter()
        interactive = self.out.isatty()
        if not force and now - self._last < (0.5 if interactive else 5.0):
            return
        self._last = now
        rate = summary.events_in / max(now - self.started, 1e-9)
        text = f"  {summary.payloads:,} payloads, {summary.events_in:,} events ({rate:,.0f}/s)"
        self.out.write(("\r" + text + ("\n" if force else "")) if interactive else text + "\n")
        self.out.flush()


@dataclass
class Coalescer:
    """The wiring's batch sink for files of many deliveries: each delivery is normalized and redacted
    as the Lambda does it, and its rows wait; `flush` writes them in one go, one object per event hour
    instead of one per delivery and hour. The key comes from the deliveries' own identities (a digest
    of every event), so ingesting the same file again overwrites its objects, never duplicates them.
    """

    ingestor: Ingestor
    max_rows: int = COALESCE_ROWS
    _tables: list[pa.Table] = field(default_factory=list)
    _rows: int = 0
    _digest: Any = field(default_factory=hashlib.sha256)

    def ingest(self, batch: LogBatch, ends_at: float | None = None) -> BatchResult:
        normalized, redacted = self.ingestor.prepare(batch)
        self._tables.append(normalized.table)
        self._rows += normalized.table.num_rows
        self._digest.update(batch.identity.encode() + b"\n")
        return BatchResult(normalized, [], redacted=redacted)

    @property
    def full(self) -> bool:
        return self._rows >= self.max_rows

    def flush(self) -> Summary:
        """Write what waits; the rows, objects and index outcome as a summary to merge."""
        done = Summary()
        if not self._tables:
            return done
        table = pa.concat_tables(self._tables)
        objects, indexed = self.ingestor.store_table(table, "coalesced:" + self._digest.hexdigest())
        self._tables, self._rows, self._digest = [], 0, hashlib.sha256()
        done.rows_written = sum(o.rows for o in objects)
        done.bytes_written = sum(o.bytes for o in objects)
        done.objects_written = len(objects)
        if indexed is not None:
            done.add_index(indexed)
        return done


def ingest_events(
    events: Iterator[dict[str, Any]],
    ingestor: Ingestor,
    progress: Progress | None = None,
    *,
    coalesce_rows: int = COALESCE_ROWS,
) -> Summary:
    """Every event through `handle`; a bad event is reported in `failed_items` and the rest go on.

    `coalesce_rows`: deliveries share objects of up to that many rows (`Coalescer`); 0: each delivery
    is written on its own, exactly as the Lambda writes it."""
    total = Summary()
    sink: BatchSink = Coalescer(ingestor, coalesce_rows) if coalesce_rows > 0 else ingestor
    for index, event in enumerate(events):
        try:
            summary, _ = handle(event, sink)
        except (DecodeError, BatchProcessingError) as exc:
            total.failed_items.append(f"event {index}: {exc}")
            continue
        total.merge(summary)
        if isinstance(sink, Coalescer) and sink.full:
            total.merge(sink.flush())
        if progress:
            progress.tick(total)
    if isinstance(sink, Coalescer):
        total.merge(sink.flush())
    if progress:
        progress.tick(total, force=True)
    return total
