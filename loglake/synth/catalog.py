"""The Lambda functions of the synthetic account and how each behaves during the day."""

from __future__ import annotations

from dataclasses import dataclass

from loglake.synth.lines import PRINT


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionSpec:
    """How one Lambda function behaves: runtime, logging, configuration, speed and failures."""

    name: str
    runtime: str  # python | node | java
    runtime_version: str  # as INIT_START prints it
    log_format: str  # text | json
    memory_mb: int
    timeout_s: float
    share: float  # fraction of invocations_per_hour
    median_ms: float  # median duration
    sigma: float  # of the log-normal duration
    startup_ms: float  # median init (or SnapStart restore) duration
    memory_used: tuple[int, int]  # usual range of max memory used
    versions: tuple[str, ...]  # one version, or (before, after) a deploy
    deploy_at: float = 0.5  # when the deploy happens, as a fraction of the window
    slowdown: float = 1.0  # duration factor of the deployed version
    error_rate: float = 0.0  # unhandled exceptions
    timeout_rate: float = 0.0
    oom_rate: float = 0.0  # killed out of memory (Runtime.OutOfMemory)
    full_memory_rate: float = 0.0  # successful invocations that peak at 100 % of memory
    trace_rate: float = 0.0  # sampled by X-Ray
    snapstart: bool = False  # cold starts are RESTOREs instead of INITs
    extensions: tuple[str, ...] = ()
    logger: str = "Handler"  # Java logger / Powertools service
    errors: tuple[tuple[str, str], ...] = ()  # (error type, message) of unhandled exceptions
    messages: tuple[tuple[str, str, float], ...] = ()  # app lines: (level, template, probability)


ORDERS = FunctionSpec(
    name="orders-api",
    runtime="python",
    runtime_version="python:3.12.v38",
    log_format="text",
    memory_mb=512,
    timeout_s=3.0,
    share=0.45,
    median_ms=85.0,
    sigma=0.45,
    startup_ms=420.0,
    memory_used=(72, 118),
    versions=("7", "8"),
    deploy_at=13 / 24,
    slowdown=1.3,
    error_rate=0.015,
    timeout_rate=0.002,
    oom_rate=0.001,
    trace_rate=0.1,
    errors=(("KeyError", "'sku'"), ("ValueError", "invalid quantity: -1")),
    messages=(
        ("INFO", "received order request {order}", 1.0),
        (PRINT, "items={n} total={amount}", 0.3),
        ("DEBUG", "dynamodb put_item took {ms} ms", 0.2),
        ("WARN", "inventory low for sku SKU-{sku}", 0.05),
        ("INFO", "order {order} stored", 1.0),
    ),
)

PAYMENTS = FunctionSpec(
    name="payments",
    runtime="node",
    runtime_version="nodejs:20.v41",
    log_format="text",
    memory_mb=256,
    timeout_s=6.0,
    share=0.25,
    median_ms=180.0,
    sigma=0.55,
    startup_ms=260.0,
    memory_used=(88, 140),
    versions=("41", "42"),
    deploy_at=10.5 / 24,
    slowdown=0.95,
    error_rate=0.025,
    timeout_rate=0.003,
    extensions=("lambda-insights",),
    errors=(
        ("PaymentDeclinedError", "card declined: insufficient_funds"),
        ("TypeError", "Cannot read properties of undefined (reading 'amount')"),
    ),
    messages=(
        ("INFO", "charging {amount} EUR for {order}", 1.0),
        ("WARN", "psp latency high: {ms} ms", 0.08),
        ("INFO", 'charge created {{"chargeId":"ch_{order}","status":"succeeded"}}', 0.9),
    ),
)

THUMBNAILER = FunctionSpec(
    name="thumbnailer",
    runtime="java",
    runtime_version="java:21.v29",
    log_format="text",
    memory_mb=1024,
    timeout_s=30.0,
    share=0.20,
    median_ms=650.0,
    sigma=0.5,
    startup_ms=380.0,
    memory_used=(310, 760),
    versions=("3",),
    error_rate=0.01,
    full_memory_rate=0.02,
    snapstart=True,
    logger="ThumbnailHandler",
    errors=(("java.lang.IllegalArgumentException", "unsupported image format: image/heic"),),
    messages=(
        ("INFO", "resizing s3://media-uploads/{key} to {size}px", 1.0),
        ("DEBUG", "decoded image in {ms} ms", 0.3),
        ("INFO", "wrote s3://media-thumbs/{size}/{key}", 1.0),
    ),
)

REPORTS = FunctionSpec(
    name="report-builder",
    runtime="python",
    runtime_version="python:3.12.v38",
    log_format="json",
    memory_mb=2048,
    timeout_s=15.0,
    share=0.10,
    median_ms=2400.0,
    sigma=0.5,
    startup_ms=900.0,
    memory_used=(240, 610),
    versions=("$LATEST",),
    error_rate=0.02,
    timeout_rate=0.01,
    trace_rate=1.0,
    logger="report-builder",
    errors=(("ValueError", "report window is empty"),),
    messages=(
        ("INFO", "building report for tenant t-{tenant}", 1.0),
        ("INFO", "queried {rows} rows in {ms} ms", 1.0),
        (PRINT, "progress: 50%", 0.2),
        ("INFO", "report uploaded as reports/{order}.pdf", 1.0),
    ),
)

FUNCTIONS = (ORDERS, PAYMENTS, THUMBNAILER, REPORTS)
