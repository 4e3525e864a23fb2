"""What both parser entry points share: Powertools' logger, EMF metrics and (when tracing is on) X-Ray
around one `handle` function of `functions/parser/wiring.py`.

Tracing follows Powertools' own switch, POWERTOOLS_TRACE_DISABLED, which the stack sets from its
`tracing` parameter (serverless.yml). Off, the X-Ray SDK is never imported. On, Powertools' Tracer
wraps the handler, and X-Ray patches `TRACED_LIBRARIES` only, when the clients are first built rather
than at import: botocore's patch wraps `BaseClient._make_api_call` on the class, so every client's
calls are traced as long as the patch comes before the first one, and the patch imports
`botocore.client`, which building the clients imports anyway.
"""

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

# The libraries X-Ray patches when tracing is on: botocore carries every AWS call the parser makes (S3
# PutObject; Secrets Manager for OpenSearch basic-secret). opensearch-py sends through urllib3
# (its default Urllib3HttpConnection), not requests, so a `requests` patch would trace nothing; only
# X-Ray's `httplib` patch would see those calls, and it would trace each botocore call a second time
# (botocore's connections are http.client ones). Tracer's default, patch_all, leaves httplib out too.
TRACED_LIBRARIES = ("botocore",)


def tracing_on() -> bool:
    """Powertools' own switch; the X-Ray SDK (a few tens of ms of imports, bench/cold_start.py) is loaded
    only when tracing is on."""
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() not in ("1", "true")


def lambda_entry(handle: Handle, service: str) -> LambdaHandler:
    logger = Logger(service=service)
    metrics = Metrics(namespace="loglake", service="parser")
    before_build: Callable[[], None] | None = None
    if tracing_on():
        from aws_lambda_powertools import Tracer

        tracer = Tracer(service=service, auto_patch=False)

        def before_build() -> None:
            tracer.patch(TRACED_LIBRARIES)

    @logger.inject_lambda_context
    @metrics.log_metrics
    def entry(event: dict[str, Any], context: LambdaContext) -> Any:
        summary, response = handle(event, cold_start_ingestor(before_build), context)
        for name, (unit, figure) in METRICS.items():
            metrics.add_metric(name=name, unit=unit, value=figure(summary))
        logger.info("batch ingested", extra=run_summary(summary))
        return response

    if before_build is None:
        return entry
    traced: LambdaHandler = tracer.capture_lambda_handler(entry)
    return traced
