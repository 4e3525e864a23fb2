"""Feed files of Lambda events through the parser's handler code into a local lake folder."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from functions.parser.decode import DecodeError, LogBatch
from functions.parser.ingest import BatchResult, BatchSink, Ingestor, Summary
from functions.parser.wiring import handle
from functions.sinks.keys import Partition
from functions.sinks.outcome import Indexer
from functions.sinks.s3_parquet import LocalStore, split_by_hour

# rows a coalesced object may gather before it is written (about 100 MB of Arrow at most)
COALESCE_ROWS = 250_000
# deliveries taken together, in input order, by one process: their objects are theirs alone
SHARE_DELIVERIES = 250


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
    """The wiring's batch sink for files of many deliveries: each delivery is normalized as the Lambda
    does it, and its rows wait by event hour; `flush` redacts each hour's rows and writes them in one go,
    one object per event hour instead of one per delivery and hour. (Redaction is row by row, so its
    outcome is the Lambda's; done once for an hour's waiting rows, its fixed cost is paid once per object,
    not once per delivery.) A delivery is split by hour on arrival, which for most is one reduction, so
    the coalesced rows are never filtered again. The key is a digest of the input events the rows came
    from (`take`: each event as JSON, before it is handled), so ingesting the same file again overwrites
    its objects, never duplicates them. (The Lambda's key, `LogBatch.identity`, digests every decoded
    event instead, so that it does not depend on how a redelivery was compressed; a file is what it is,
    and digesting its events as read costs a fortieth as much.)
    """

    ingestor: Ingestor
    max_rows: int = COALESCE_ROWS
    _hours: dict[Partition, list[pa.Table]] = field(default_factory=dict)
    _rows: int = 0
    _digest: Any = field(default_factory=hashlib.sha256)

    def ingest(self, batch: LogBatch, ends_at: float | None = None) -> BatchResult:
        normalized = self.ingestor.normalize(batch)
        for partition, part in split_by_hour(normalized.table):
            self._hours.setdefault(partition, []).append(part)
        self._rows += normalized.table.num_rows
        return BatchResult(normalized, [])

    def take(self, event: dict[str, Any]) -> None:
        """Count `event` into the key of the object(s) its rows will go to: call before handling it."""
        self._digest.update(json.dumps(event, separators=(",", ":")).encode() + b"\n")

    @property
    def full(self) -> bool:
        return self._rows >= self.max_rows

    def flush(self) -> Summary:
        """Redact and write what waits; the rows, objects and index outcome as a summary to merge."""
        done = Summary()
        if not self._hours:
            return done
        identity = "coalesced:" + self._digest.hexdigest()
        parts = []
        for partition in sorted(self._hours):  # Partition orders by day, then hour
            table, redacted = self.ingestor.redactor.apply(pa.concat_tables(self._hours[partition]).combine_chunks())
            parts.append((partition, table, identity))
            done.redacted_values += redacted
        objects, indexed = self.ingestor.store_parts(parts, identity)
        self._hours, self._rows, self._digest = {}, 0, hashlib.sha256()
        done.add_stored(objects, indexed)
        return done


def _ingest_share(events: list[dict[str, Any]], first: int, ingestor: Ingestor, coalesce_rows: int) -> Summary:
    """The deliveries of one share (`first`: the index of its first in the input), coalesced on their own."""
    total = Summary()
    sink: BatchSink = Coalescer(ingestor, coalesce_rows) if coalesce_rows > 0 else ingestor
    for index, event in enumerate(events, first):
        if isinstance(sink, Coalescer):
            sink.take(event)
        try:
            summary, _ = handle(event, sink)
        except DecodeError as exc:
            total.failed_items.append(f"event {index}: {exc}")
            continue
        total.merge(summary)
        if isinstance(sink, Coalescer) and sink.full:
            total.merge(sink.flush())
    if isinstance(sink, Coalescer):
        total.merge(sink.flush())
    return total


def _shares(events: Iterator[dict[str, Any]], size: int) -> Iterator[tuple[list[dict[str, Any]], int]]:
    first = 0
    while share := list(islice(events, size)):
        yield share, first
        first += len(share)


_worker: tuple[Ingestor, int] | None = None  # a worker process's ingestor and coalesce_rows


def _start_worker(ingestor: Ingestor, coalesce_rows: int) -> None:
    global _worker  # noqa: PLW0603 - set once in each worker process, before its first share
    _worker = (ingestor, coalesce_rows)


def _worker_share(share: tuple[list[dict[str, Any]], int]) -> Summary:
    assert _worker is not None
    return _ingest_share(share[0], share[1], *_worker)


def ingest_events(
    events: Iterator[dict[str, Any]],
    ingestor: Ingestor,
    progress: Progress | None = None,
    *,
    coalesce_rows: int = COALESCE_ROWS,
    workers: int = 1,
) -> Summary:
    """Every event through `handle`; a bad event is reported in `failed_items` and the rest go on.

    The events are taken in shares of `SHARE_DELIVERIES` in input order, and each share is coalesced on
    its own: `coalesce_rows` rows at most per object (`Coalescer`); 0: each delivery is written on its
    own, exactly as the Lambda writes it. What a share writes depends on its deliveries only, so with
    `workers` > 1 (processes sharing out the shares) the lake is the same as with one, and the summary too.
    """
    total = Summary()
    shares = _shares(events, SHARE_DELIVERIES)
    if workers > 1:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, _start_worker, (ingestor, coalesce_rows)) as pool:
            for summary in pool.imap(_worker_share, shares):
                total.merge(summary)
                if progress:
                    progress.tick(total)
    else:
        for share, first in shares:
            total.merge(_ingest_share(share, first, ingestor, coalesce_rows))
            if progress:
                progress.tick(total)
    if progress:
        progress.tick(total, force=True)
    return total
