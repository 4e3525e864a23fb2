"""The compactor Lambda: wiring only. On its schedule, advance the compaction of recent closed partitions.

Each run moves every closed partition of the last `lookback_hours` one or more steps forward (see
`compact.py` for the steps and why queries never see a row twice); with an hour of grace a partition
is merged, committed an hour later and cleaned up an hour after that. A run that nears its timeout
stops between partitions: every step is idempotent, the next run carries on. A run that finds the
lake's lease held (another run, another stack, a manual `loglake compact`) does nothing.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from functions.compactor.compact import Compactor, RunSummary, partitions_between
from functions.compactor.lease import Lease
from functions.compactor.settings import CompactorSettings
from functions.compactor.store import S3LakeStore
from functions.sinks.keys import HOUR_MS

logger = Logger(service="loglake-compactor")
metrics = Metrics(namespace="loglake", service="compactor")
MARGIN_MS = 120_000  # stop starting partitions this long before the timeout (one merge takes less)

_built: tuple[Compactor, CompactorSettings] | None = None


def build_compactor(settings: CompactorSettings) -> Compactor:
    client = boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 5}))
    store = S3LakeStore(client, settings.bucket)
    lease = Lease(store, settings.prefix, ttl_ms=settings.lease_ms)
    return Compactor(store, settings.prefix, settings.config, lease=lease)


def _cold_start() -> tuple[Compactor, CompactorSettings]:
    global _built  # noqa: PLW0603 - built once per execution environment, on first use
    if _built is None:
        settings = CompactorSettings.from_env()
        _built = (build_compactor(settings), settings)
    return _built


def run(compactor: Compactor, lookback_hours: int, context: LambdaContext | None = None) -> RunSummary:
    now = compactor.clock()
    partitions = partitions_between(now - lookback_hours * HOUR_MS, now)
    if context is None:
        return compactor.run(partitions)
    return compactor.run(partitions, stop=lambda: context.get_remaining_time_in_millis() < MARGIN_MS)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    compactor, settings = _cold_start()
    started = time.monotonic()
    summary = run(compactor, settings.lookback_hours, context)
    metrics.add_metric(name="PartitionsCommitted", unit=MetricUnit.Count, value=summary.committed)
    metrics.add_metric(name="ObjectsCompacted", unit=MetricUnit.Count, value=summary.files_in)
    metrics.add_metric(name="ObjectsWritten", unit=MetricUnit.Count, value=summary.files_out)
    metrics.add_metric(name="ObjectsDeleted", unit=MetricUnit.Count, value=summary.deleted + summary.garbage)
    # an hour that could not be merged (raised now, or a run died merging it): retried after the others
    metrics.add_metric(name="PartitionsFailed", unit=MetricUnit.Count, value=summary.failed + summary.interrupted)
    metrics.add_metric(name="DuplicateRowsDropped", unit=MetricUnit.Count, value=summary.duplicates)
    metrics.add_metric(name="PlansRefused", unit=MetricUnit.Count, value=summary.refused)
    logger.info(
        "compaction run",
        extra={
            "partitions": summary.partitions,
            "committed": summary.committed,
            "waiting": summary.waiting,
            "failed": summary.failed + summary.interrupted,
            "lease_busy": summary.busy,
            "details": summary.details,
            "seconds": round(time.monotonic() - started, 1),
        },
    )
    return {
        "partitions": summary.partitions,
        "committed": summary.committed,
        "waiting": summary.waiting,
        "failed": summary.failed + summary.interrupted,
    }
