"""The parser Lambda: wiring only. Decode → ingest (normalize + write Parquet, then index) → metrics.

- A direct subscription invocation carries one payload. If it can't be decoded or stored, the
  invocation fails with a clear error: Lambda retries the asynchronous event, then sends it to the
  dead-letter queue / on-failure destination. Nothing is dropped silently.
- A Kinesis invocation carries many records; each is processed on its own through Powertools'
  BatchProcessor, and the ones that fail are reported as `batchItemFailures` so that only those are
  retried. Object keys are deterministic, so records processed twice overwrite, never duplicate.
- With LOGLAKE_OPENSEARCH_URL set, each batch is indexed after it is in the lake. OpenSearch never
  fails the invocation: documents it doesn't take land in `failed/opensearch/` and the
  `OpenSearchFailedDocs` metric counts them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from functions.parser.decode import decode_awslogs, decode_kinesis_record, is_kinesis_event
from functions.parser.ingest import Ingestor, Summary
from functions.parser.settings import OpenSearchSettings, Settings
from functions.sinks.s3_parquet import ObjectStore, S3Store

if TYPE_CHECKING:
    from functions.sinks.opensearch import OpenSearchIndexer

logger = Logger(service="loglake-parser")
metrics = Metrics(namespace="loglake", service="parser")
tracer = Tracer(service="loglake-parser")

_ingestor: Ingestor | None = None


def build_indexer(
    settings: OpenSearchSettings, store: ObjectStore, lake_prefix: str, region: str | None
) -> OpenSearchIndexer:
    """The OpenSearch step; its rejected documents go to `<lake_prefix>failed/opensearch/` on `store`.

    opensearch-py is imported here, not at module load: a parser without OpenSearch doesn't pay for it.
    """
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
    client = boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 5}))
    store = S3Store(client, settings.bucket)
    indexer = None
    if settings.opensearch is not None:
        indexer = build_indexer(settings.opensearch, store, settings.prefix, settings.region)
    return Ingestor(
        store=store, prefix=settings.prefix, region=settings.region, indexer=indexer, redactor=settings.redactor
    )


def _cold_start_ingestor() -> Ingestor:
    global _ingestor  # noqa: PLW0603 - built once per execution environment, on first use
    if _ingestor is None:
        _ingestor = build_ingestor(Settings.from_env())
    return _ingestor


def handle(event: dict[str, Any], ingestor: Ingestor, context: LambdaContext | None = None) -> tuple[Summary, Any]:
    """Process one trigger event; returns what was done and the Lambda response."""
    summary = Summary()
    ends_at = None if context is None else time.monotonic() + context.get_remaining_time_in_millis() / 1000
    if not is_kinesis_event(event):
        batch = decode_awslogs(event)
        if batch is None:
            summary.control_messages += 1
        else:
            summary.add(ingestor.ingest(batch, ends_at))
        return summary, {"events": summary.events_in, "rows": summary.rows_written}

    def record_handler(record: KinesisStreamRecord) -> None:
        batch = decode_kinesis_record(record)
        if batch is None:
            summary.control_messages += 1
        else:
            summary.add(ingestor.ingest(batch, ends_at))

    processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    summary.failed_items.extend(str(item["itemIdentifier"]) for item in response.get("batchItemFailures", []))
    return summary, response


def record_metrics(summary: Summary) -> None:
    metrics.add_metric(name="EventsIn", unit=MetricUnit.Count, value=summary.events_in)
    metrics.add_metric(name="RowsWritten", unit=MetricUnit.Count, value=summary.rows_written)
    metrics.add_metric(name="UnknownLines", unit=MetricUnit.Count, value=summary.unknown_lines)
    metrics.add_metric(name="BytesWritten", unit=MetricUnit.Bytes, value=summary.bytes_written)
    metrics.add_metric(name="ParserFailures", unit=MetricUnit.Count, value=summary.parser_failures)
    metrics.add_metric(name="RedactedValues", unit=MetricUnit.Count, value=summary.redacted_values)
    metrics.add_metric(name="FailedRecords", unit=MetricUnit.Count, value=len(summary.failed_items))
    metrics.add_metric(name="OpenSearchIndexed", unit=MetricUnit.Count, value=summary.opensearch_indexed)
    metrics.add_metric(name="OpenSearchFailedDocs", unit=MetricUnit.Count, value=summary.opensearch_failed)
    metrics.add_metric(name="OpenSearchRetries", unit=MetricUnit.Count, value=summary.opensearch_retries)
    metrics.add_metric(name="OpenSearchUnrecordedDocs", unit=MetricUnit.Count, value=summary.opensearch_unrecorded)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    summary, response = handle(event, _cold_start_ingestor(), context)
    record_metrics(summary)
    logger.info(
        "batch ingested",
        extra={
            "payloads": summary.payloads,
            "events_in": summary.events_in,
            "rows_written": summary.rows_written,
            "objects_written": summary.objects_written,
            "unknown_lines": summary.unknown_lines,
            "redacted_values": summary.redacted_values,
            "failed_items": summary.failed_items,
            "formats": summary.format_counts,
            "opensearch_indexed": summary.opensearch_indexed,
            "opensearch_failed": summary.opensearch_failed,
            "opensearch_skipped": summary.opensearch_skipped,
            "opensearch_errors": summary.opensearch_errors,
        },
    )
    return response
