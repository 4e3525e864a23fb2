"""What both parser entry points share: Powertools' logger, EMF metrics and (when tracing is on) X-Ray
around one `handle` function of `functions/parser/wiring.py`."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics

from functions.parser.ingest import Ingestor, Summary
from functions.parser.wiring import METRICS, cold_start_ingestor, run_summary

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

Handle = Callable[[dict[str, Any], Ingestor, "LambdaContext | None"], tuple[Summary, Any]]
LambdaHandler = Callable[[dict[str, Any], "LambdaContext"], Any]


def tracing_on() -> bool:
    """Powertools' own switch; the X-Ray SDK (about 100 ms of imports) is loaded only when tracing is on."""
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() not in ("1", "true")


def lambda_entry(handle: Handle, service: str) -> LambdaHandler:
    logger = Logger(service=service)
    metrics = Metrics(namespace="loglake", service="parser")

    @logger.inject_lambda_context
    @metrics.log_metrics
    def entry(event: dict[str, Any], context: LambdaContext) -> Any:
        summary, response = handle(event, cold_start_ingestor(), context)
        for name, (unit, figure) in METRICS.items():
            metrics.add_metric(name=name, unit=unit, value=figure(summary))
        logger.info("batch ingested", extra=run_summary(summary))
        return response

    if not tracing_on():
        return entry
    from aws_lambda_powertools import Tracer

    traced: LambdaHandler = Tracer(service=service).capture_lambda_handler(entry)
    return traced
