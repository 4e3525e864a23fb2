"""The compactor Lambda: wiring only. On its schedule, advance the compaction of recent closed partitions.

Each run moves every closed partition of the last `lookback_hours` one or more steps forward (see
`compact.py` for the steps and why queries never see a row twice); with an hour of grace a partition
is merged, committed an hour later and cleaned up an hour after that. A run that nears its timeout
stops between partitions: every step is idempotent, the next run carries on. A run that finds the
lake's lease held (another run, another stack, a manual `loglake compact`) does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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

# The EMF metrics of one run (all counts): what the handler emits and the stack's alarms may name.
METRICS: dict[str, Callable[[RunSummary], int]] = {
    "PartitionsCommitted": lambda s: s.committed,
    "ObjectsCompacted": lambda s: s.files_in,
    "ObjectsWritten": lambda s: s.files_out,
    "ObjectsDeleted": lambda s: s.deleted + s.garbage,
    # an hour that could not be merged (raised now, or a run died merging it): retried after the others
    "PartitionsFailed": lambda s: s.failed + s.interrupted,
    "DuplicateRowsDropped": lambda s: s.duplicates,
    "PlansRefused": lambda s: s.refused,
}


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
    for name, figure in METRICS.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=figure(summary))
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
