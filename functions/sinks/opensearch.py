"""The OpenSearch sink: filter → bulk items → byte-sized chunks → send with retries → record failures.

- Bulk requests are cut by bytes (and a document cap), `index` operations with `_id` = CloudWatch
  event id, so a redelivered batch overwrites its own documents and never adds copies.
- A bulk request refused as a whole (400, 413: one invalid document fails them all) is split in
  halves until only the documents at fault fail, so one bad document never sinks its neighbours.
- 429 / 502 / 503 / 504 and connection errors are retried with exponential backoff and full jitter
  while the deadline allows (the Lambda's remaining time minus a margin kept to record failures);
  items a bulk response rejects with 429 are retried the same way, alone.
- Every document that does not make it — a mapping error, a rejection, an outage past the deadline —
  is written with its reason to `failed/opensearch/` on the lake's object store, never dropped;
  `loglake replay-failed` re-sends them. After one chunk gives up on an unreachable cluster, what
  comes next (the rest of the batch, the next batches for `cooldown_s`) goes straight to `failed/`
  instead of waiting on the same outage again.
- Nothing here raises for OpenSearch's sake: the outcome says what happened. The lake was written
  first; OpenSearch is a view of it that can always be rebuilt (`loglake reindex`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as TransportConnectionError
from opensearchpy.exceptions import TransportError

from functions.clock import now_ms
from functions.sinks.bulk_retry import RETRY_STATUSES, Answered, RequestFailed, Verdict, backoff_s, classify
from functions.sinks.keys import failed_key
from functions.sinks.opensearch_docs import (
    BulkItem,
    Failure,
    IndexFilter,
    bulk_body,
    bulk_items,
    chunks,
)
from functions.sinks.outcome import IndexOutcome
from functions.sinks.s3_parquet import ObjectStore

SPLIT_STATUSES = frozenset({400, 413})  # refused as a whole for what some document(s) hold
FILTER_PATH = "errors,items.*.status,items.*.error"
SINK = "opensearch"
JSON_LINES = "application/x-ndjson"


@dataclass(frozen=True, slots=True)
class BulkConfig:
    max_bytes: int = 5 * 1024 * 1024
    max_docs: int = 5000
    base_delay_s: float = 0.1
    max_delay_s: float = 5.0
    margin_s: float = 5.0  # kept before the Lambda's end to write failures to the lake
    budget_s: float = 120.0  # time allowed to one batch when there is no Lambda deadline (CLI)
    cooldown_s: float = 30.0  # after an outage, how long batches skip the cluster and go to failed/


@dataclass
class SendReport:
    indexed: int = 0
    retries: int = 0
    failures: list[Failure] = field(default_factory=list)


class _GiveUp(Exception):
    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class BulkSender:
    """Sends bulk items until each one is indexed or failed; the deadline is a `clock()` value."""

    def __init__(
        self,
        client: OpenSearch,
        config: BulkConfig | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.client, self.config = client, config or BulkConfig()
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        self._down_until, self._down_reason = float("-inf"), ""

    def send(self, items: list[BulkItem], deadline: float) -> SendReport:
        report = SendReport()
        for chunk in chunks(items, self.config.max_bytes, self.config.max_docs):
            self._deliver(chunk, deadline, report)
        return report

    def _deliver(self, chunk: list[BulkItem], deadline: float, report: SendReport) -> None:
        """Send one chunk; a request refused as a whole is split until only the guilty documents fail."""
        if self._clock() < self._down_until:
            report.failures.extend(Failure(item, None, f"not sent: {self._down_reason}") for item in chunk)
            return
        try:
            self._send_chunk(chunk, deadline, report)
        except _GiveUp as stop:
            if stop.status in SPLIT_STATUSES and len(chunk) > 1:
                middle = len(chunk) // 2
                self._deliver(chunk[:middle], deadline, report)
                self._deliver(chunk[middle:], deadline, report)
                return
            report.failures.extend(Failure(item, stop.status, stop.reason) for item in chunk)
            if stop.status is None:  # unreachable, not a refused request: don't queue up behind it
                self._down_until, self._down_reason = self._clock() + self.config.cooldown_s, stop.reason

    def _send_chunk(self, chunk: list[BulkItem], deadline: float, report: SendReport) -> None:
        """Raises _GiveUp when the whole request can't get through before the deadline."""
        todo, attempts, config = chunk, 0, self.config
        while True:
            result: Answered | RequestFailed
            try:
                todo = self._one_request(todo, deadline, report)
                result = Answered(rejected=len(todo))
            except (TransportConnectionError, TransportError) as error:
                status = error.status_code if isinstance(error.status_code, int) else None
                connection = isinstance(error, TransportConnectionError)
                result = RequestFailed(type(error).__name__, status, f"{error.error}", connection)
            attempts += 1
            delay = backoff_s(attempts, self._jitter(), config.base_delay_s, config.max_delay_s)
            decision = classify(result, attempts, delay, self._clock(), deadline)
            if decision.verdict is Verdict.DONE:
                return
            if decision.verdict is Verdict.GIVE_UP:
                if decision.whole:
                    raise _GiveUp(decision.status, decision.reason)
                report.failures.extend(Failure(item, decision.status, decision.reason) for item in todo)
                return
            report.retries += 1
            self._sleep(decision.delay_s)

    def _one_request(self, todo: list[BulkItem], deadline: float, report: SendReport) -> list[BulkItem]:
        """One bulk request; returns the items to retry (rejected with a retryable status)."""
        timeout = max(1.0, deadline - self._clock())
        response: dict[str, Any] = self.client.bulk(
            body=bulk_body(todo), filter_path=FILTER_PATH, request_timeout=timeout
        )
        if not response.get("errors"):
            report.indexed += len(todo)
            return []
        retry: list[BulkItem] = []
        for item, result in zip(todo, response["items"], strict=True):
            outcome = next(iter(result.values()))
            status = int(outcome.get("status", 0))
            if "error" not in outcome:
                report.indexed += 1
            elif status in RETRY_STATUSES:
                retry.append(item)
            else:
                report.failures.append(Failure(item, status, outcome["error"]))
        return retry


@dataclass(frozen=True)
class OpenSearchIndexer:
    """The parser's OpenSearch step for one batch: what to index, sending, and keeping the failures."""

    sender: BulkSender
    store: ObjectStore
    lake_prefix: str
    index_prefix: str
    select: IndexFilter = field(default_factory=IndexFilter)
    wall_clock_ms: Callable[[], int] = now_ms

    def index(self, table: pa.Table, identity: str, ends_at: float | None = None) -> IndexOutcome:
        """`ends_at`: the monotonic time at which the invocation ends (None: a CLI run, no end)."""
        chosen = self.select.select(table)
        items = bulk_items(chosen, self.index_prefix)
        config = self.sender.config
        now = time.monotonic()
        deadline = now + config.budget_s if ends_at is None else ends_at - config.margin_s
        report = self.sender.send(items, deadline)
        outcome = IndexOutcome(
            selected=len(items),
            skipped=table.num_rows - chosen.num_rows,
            indexed=report.indexed,
            failed=len(report.failures),
            retries=report.retries,
        )
        if not report.failures:
            return outcome
        return self.record_failures(outcome, report.failures, identity)

    def record_failures(self, outcome: IndexOutcome, failures: list[Failure], identity: str) -> IndexOutcome:
        attempted = self.wall_clock_ms()
        key = failed_key(self.lake_prefix, SINK, identity, attempted)
        body = b"".join(failure.to_line(attempted) for failure in failures)
        try:
            self.store.put(key, body, content_type=JSON_LINES)
        except Exception as error:  # the documents are still in the lake: `loglake reindex` rebuilds them
            return replace(outcome, error=f"could not write {key}: {error!r}")
        return replace(outcome, failed_key=key)
