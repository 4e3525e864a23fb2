"""One backfill run: every window of every group, read, cut into batches and ingested by the live path.

`Lake` is where it goes (a folder or s3://bucket/prefix) with the parser's own `Ingestor`: normalize,
redact, Parquet per event-hour under the batch's key. Workers take windows in order; the group's
checkpoint moves after each window is whole in the lake. The first error stops the run (workers finish
the window in hand or give up, nothing more starts) and is raised: a rerun resumes from the checkpoints.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pyarrow as pa
from botocore.config import Config

from functions import clock
from functions.backfill import checkpoint
from functions.backfill.batches import CHUNK_EVENTS, Chunk, ChunkBuilder
from functions.backfill.reader import BackfillError, GroupInfo, read_window
from functions.backfill.throttle import Throttle
from functions.backfill.windows import DEFAULT_WINDOW_MS, GroupRange, Window, group_range, windows
from functions.compactor.store import LakeStore, LocalLakeStore, S3LakeStore
from functions.parser.ingest import Ingestor
from functions.parser.normalize import BatchContext, normalize
from functions.sinks.keys import HOUR_MS, normalize_prefix
from functions.sinks.s3_parquet import WrittenObject, write_batch

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient


@dataclass(frozen=True)
class Lake:
    store: LakeStore
    prefix: str
    description: str

    @classmethod
    def parse(cls, where: str, region: str | None = None) -> Lake:
        """`s3://bucket/prefix` (prefix default `lake/`) or a folder."""
        if where.startswith("s3://"):
            bucket, _, prefix = where.removeprefix("s3://").partition("/")
            if not bucket:
                raise ValueError(f"{where!r}: expected s3://bucket/prefix")
            config = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=32)
            client = boto3.client("s3", region_name=region, config=config)
            return cls(S3LakeStore(client, bucket), normalize_prefix(prefix or "lake/"), where)
        return cls(LocalLakeStore(Path(where)), "", where)


@dataclass(frozen=True)
class Options:
    since_ms: int
    until_ms: int | None  # None: each subscribed group up to its live boundary, the others up to now
    window_ms: int = DEFAULT_WINDOW_MS
    concurrency: int = 4
    rate: float = 5.0  # FilterLogEvents calls per second: the default account quota
    live_since_ms: int | None = None  # the boundary for every group (an account-level policy has no filter)
    chunk_events: int = CHUNK_EVENTS
    page_events: int | None = None  # FilterLogEvents' limit (None: as many as fit in 1 MB, up to 10,000)


@dataclass
class GroupJob:
    info: GroupInfo
    span: GroupRange
    windows: list[Window]
    tracker: checkpoint.WindowTracker
    resumed: bool


@dataclass
class Stats:
    """What the run did so far; read by the progress line while workers add to it."""

    groups: int = 0
    groups_already_done: int = 0
    windows_total: int = 0
    windows_done: int = 0
    events_read: int = 0
    events_written: int = 0
    events_live: int = 0  # read but left to the subscription (ingested after the boundary)
    objects: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.perf_counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def plan_jobs(lake: Lake, groups: list[GroupInfo], options: Options, now_ms: int | None = None) -> list[GroupJob]:
    """Each group's range, its windows left to do, and the tracker that moves its checkpoint."""
    now = clock.now_ms() if now_ms is None else now_ms
    jobs = []
    for info in groups:
        boundary = options.live_since_ms if options.live_since_ms is not None else info.live_since_ms
        until = options.until_ms if options.until_ms is not None or boundary is not None else now
        span = group_range(info.name, options.since_ms, until, boundary, info.created_ms)
        previous = checkpoint.load(lake.store, lake.prefix, info.name)
        if previous is not None and previous.window_ms != options.window_ms:
            hours = previous.window_ms // HOUR_MS
            raise BackfillError(f"{info.name} was backfilled with --window-hours {hours}: use it again (object keys)")
        resume = checkpoint.resume_from(previous, span, options.window_ms)
        todo = windows(span, options.window_ms, resume)
        done_events = previous.events if previous is not None and resume is not None else 0
        tracker = checkpoint.WindowTracker(span, options.window_ms, todo, done_events)
        jobs.append(GroupJob(info, span, todo, tracker, resumed=resume is not None))
    return jobs


@dataclass
class Backfill:
    client: CloudWatchLogsClient
    lake: Lake
    ingestor: Ingestor
    options: Options
    throttle: Throttle
    sleep: Callable[[float], None] = time.sleep
    deadline: float | None = None  # time.monotonic() after which no window starts (the Lambda's time)
    stats: Stats = field(default_factory=Stats)
    _stop: threading.Event = field(default_factory=threading.Event)
    _started: int = 0
    _locks: dict[str, threading.Lock] = field(default_factory=dict)

    def run(self, jobs: list[GroupJob], on_progress: Callable[[Stats], None] | None = None) -> Stats:
        self.stats.groups = len(jobs)
        self.stats.groups_already_done = sum(1 for j in jobs if not j.windows)
        self.stats.windows_total = sum(len(j.windows) for j in jobs)
        for job in jobs:
            self._locks[job.info.name] = threading.Lock()
            if not job.windows:
                checkpoint.save(self.lake.store, self.lake.prefix, job.tracker.checkpoint())
        tasks = [(job, window) for job in jobs for window in job.windows]
        with ThreadPoolExecutor(max_workers=self.options.concurrency, thread_name_prefix="backfill") as pool:
            futures: set[Future[None]] = {pool.submit(self._window, job, window) for job, window in tasks}
            while futures:
                finished, futures = wait(futures, timeout=0.5, return_when=FIRST_EXCEPTION)
                if on_progress is not None:
                    on_progress(self.stats)
                failed = next((f for f in finished if f.exception() is not None), None)
                if failed is not None:
                    self._stop.set()
                    for future in futures:
                        future.cancel()
                    wait(futures)
                    raise failed.exception()  # type: ignore[misc]
        if on_progress is not None:
            on_progress(self.stats)
        return self.stats

    @property
    def finished(self) -> bool:
        return self.stats.windows_done == self.stats.windows_total

    def _window(self, job: GroupJob, window: Window) -> None:
        with self.stats.lock:
            late = self.deadline is not None and time.monotonic() > self.deadline and self._started > 0
            if self._stop.is_set() or late:
                return  # left for the next run (each run does one window at least): the checkpoint waits for it
            self._started += 1
        builder = ChunkBuilder(job.info.owner, job.info.name, window, self.options.window_ms, self.options.chunk_events)
        read = written = live = 0
        for event in read_window(
            self.client, self.throttle, self.sleep, job.info.name, window, page_events=self.options.page_events
        ):
            read += 1
            if not job.span.keeps(event):
                live += 1
                continue
            chunk = builder.add(event)
            if chunk is not None:
                written += self._write(chunk)
        last = builder.finish()
        if last is not None:
            written += self._write(last)
        with self._locks[job.info.name]:
            saved = job.tracker.finish(window, written)
            checkpoint.save(self.lake.store, self.lake.prefix, saved)
        with self.stats.lock:
            self.stats.windows_done += 1
            self.stats.events_read += read
            self.stats.events_live += live

    def _write(self, chunk: Chunk) -> int:
        objects = write_chunk(self.ingestor, chunk)
        with self.stats.lock:
            self.stats.events_written += len(chunk)
            self.stats.objects += len(objects)
            self.stats.bytes += sum(o.bytes for o in objects)
        return len(chunk)


def write_chunk(ingestor: Ingestor, chunk: Chunk) -> list[WrittenObject]:
    """The live path for a chunk: each stream's batch normalized (its own context) and redacted as the
    parser does, then the chunk's rows written together, one object per event-hour under its key."""
    context = BatchContext(region=ingestor.region, ingest_time_ms=ingestor.clock())
    tables = [ingestor.redactor.apply(normalize(batch, context).table)[0] for batch in chunk.batches]
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="default")
    return write_batch(ingestor.store, ingestor.prefix, table, chunk.identity)
