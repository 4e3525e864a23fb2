"""The parser's wiring, shared by its two Lambda entry points and the CLI: build the adapters once,
decode a trigger event, ingest each batch, and declare the metrics a run emits.

- A direct subscription invocation carries one payload. If it can't be decoded or stored, the
  invocation fails with a clear error: Lambda retries the asynchronous event, then sends it to the
  dead-letter queue / on-failure destination. Nothing is dropped silently.
- A Kinesis invocation carries many records (each a whole subscription payload). They are written
  together, one object per event hour, keyed by the records that own each hour, so that Lambda's
  retries of the batch and of its halves overwrite instead of duplicating; a record that can never be
  decoded is parked raw under `failed/kinesis/` (`ParkedRecords`), anything else fails the invocation
  whole. See `kinesis_batch.py` for why that is exact.
- With LOGLAKE_OPENSEARCH_URL set, each batch is indexed after it is in the lake. OpenSearch never
  fails the invocation: documents it doesn't take land in `failed/opensearch/` and the
  `OpenSearchFailedDocs` metric counts them.

boto3 and opensearch-py are imported where a client is built, not at module load: the CLI and a
parser without OpenSearch don't pay for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from functions.parser.decode import DecodeError, decode_awslogs, is_kinesis_event
from functions.parser.ingest import BatchSink, Ingestor, Summary
from functions.parser.kinesis_batch import ingest_each, ingest_records
from functions.parser.settings import OpenSearchSettings, Settings
from functions.sinks.s3_parquet import ObjectStore, S3Store

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from functions.sinks.opensearch import OpenSearchIndexer

# The EMF metrics of one parser run: name -> (unit, the summary's figure). The handlers emit exactly
# these, and the stack's alarms may only name these (tests/infra/test_stack.py).
METRICS: dict[str, tuple[str, Callable[[Summary], int]]] = {
    "EventsIn": ("Count", lambda s: s.events_in),
    "RowsWritten": ("Count", lambda s: s.rows_written),
    "UnknownLines": ("Count", lambda s: s.unknown_lines),
    "BytesWritten": ("Bytes", lambda s: s.bytes_written),
    "ParserFailures": ("Count", lambda s: s.parser_failures),
    "RedactedValues": ("Count", lambda s: s.redacted_values),
    "FailedRecords": ("Count", lambda s: len(s.failed_items)),
    "ParkedRecords": ("Count", lambda s: s.parked_records),
    "OpenSearchIndexed": ("Count", lambda s: s.opensearch_indexed),
    "OpenSearchFailedDocs": ("Count", lambda s: s.opensearch_failed),
    "OpenSearchRetries": ("Count", lambda s: s.opensearch_retries),
    "OpenSearchUnrecordedDocs": ("Count", lambda s: s.opensearch_unrecorded),
}


def build_indexer(
    settings: OpenSearchSettings, store: ObjectStore, lake_prefix: str, region: str | None
) -> OpenSearchIndexer:
    """The OpenSearch step; its rejected documents go to `<lake_prefix>failed/opensearch/` on `store`."""
    from functions.sinks.opensearch import BulkConfig, BulkSender, OpenSearchIndexer
    from functions.sinks.opensearch_auth import build_client
    from functions.sinks.opensearch_docs import IndexFilter

    client = build_client(
        settings.url, settings.auth, region=region, secret_arn=settings.secret_arn, verify_certs=settings.verify_certs
    )
    config = BulkConfig(max_bytes=settings.bulk_max_bytes, margin_s=settings.margin_s)
    return OpenSearchIndexer(
        sender=BulkSender(client, config),
        store=store,
        lake_prefix=lake_prefix,
        index_prefix=settings.index_prefix,
        select=IndexFilter(settings.min_level, settings.sources, settings.record_types),
    )


def build_ingestor(settings: Settings) -> Ingestor:
    import boto3
    from botocore.config import Config

    client = boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 5}))
    store = S3Store(client, settings.bucket)
    indexer = None
    if settings.opensearch is not None:
        indexer = build_indexer(settings.opensearch, store, settings.prefix, settings.region)
    return Ingestor(
        store=store, prefix=settings.prefix, region=settings.region, indexer=indexer, redactor=settings.redactor
    )


_ingestor: Ingestor | None = None


def cold_start_ingestor(before_build: Callable[[], None] | None = None) -> Ingestor:
    """The Lambda's ingestor: settings read and clients built once per execution environment, on first
    use. `before_build` runs first, each time they are about to be built (the tracer patches botocore
    there; it must be idempotent, as a build that failed is tried again on the next invocation)."""
    global _ingestor  # noqa: PLW0603 - built once per execution environment, on first use
    if _ingestor is None:
        if before_build is not None:
            before_build()
        _ingestor = build_ingestor(Settings.from_env())
    return _ingestor


def _deadline(context: LambdaContext | None) -> float | None:
    return None if context is None else time.monotonic() + context.get_remaining_time_in_millis() / 1000


def handle_direct(
    event: dict[str, Any], ingestor: BatchSink, context: LambdaContext | None = None
) -> tuple[Summary, Any]:
    """One subscription payload (`{"awslogs": …}`); raises DecodeError when it isn't one."""
    summary = Summary()
    batch = decode_awslogs(event)
    if batch is None:
        summary.control_messages += 1
    else:
        summary.add(ingestor.ingest(batch, _deadline(context)))
    return summary, {"events": summary.events_in, "rows": summary.rows_written}


def handle_kinesis(
    event: dict[str, Any], ingestor: BatchSink, context: LambdaContext | None = None
) -> tuple[Summary, Any]:
    """A batch of Kinesis records: succeeds whole (one object per event hour, records that can never be
    decoded parked under `failed/kinesis/`) or raises for Lambda to retry it whole (`kinesis_batch.py`)."""
    if not is_kinesis_event(event):
        raise DecodeError(
            "not a Kinesis event: this entry point takes Kinesis records (direct subscriptions go to the parser)"
        )
    records, ends_at = event["Records"], _deadline(context)
    if isinstance(ingestor, Ingestor):
        summary = ingest_records(records, ingestor, ends_at)
    else:
        summary = ingest_each(records, ingestor, ends_at)
    return summary, {"batchItemFailures": []}  # none failed (whether or not the mapping reads the answer)


def handle(event: dict[str, Any], ingestor: BatchSink, context: LambdaContext | None = None) -> tuple[Summary, Any]:
    """Either kind of trigger event, told apart by its shape (the CLI reads files holding both)."""
    if is_kinesis_event(event):
        return handle_kinesis(event, ingestor, context)
    return handle_direct(event, ingestor, context)


def run_summary(summary: Summary) -> dict[str, Any]:
    """What one run did, for its structured log line."""
    return {
        "payloads": summary.payloads,
        "events_in": summary.events_in,
        "rows_written": summary.rows_written,
        "objects_written": summary.objects_written,
        "unknown_lines": summary.unknown_lines,
        "parked_records": summary.parked_records,
        "control_messages": summary.control_messages,
        "redacted_values": summary.redacted_values,
        "failed_items": summary.failed_items,
        "formats": summary.format_counts,
        "opensearch_indexed": summary.opensearch_indexed,
        "opensearch_failed": summary.opensearch_failed,
        "opensearch_skipped": summary.opensearch_skipped,
        "opensearch_errors": summary.opensearch_errors,
    }
