"""Ground truth of a synthetic dataset: what really happened, independent of any parser.

Tests compute expected answers from these records, never from parsed output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Invocation:
    """One Lambda invocation as it really happened."""

    function_name: str
    function_version: str
    request_id: str
    log_stream: str
    start_ms: int  # epoch ms of START (after INIT / RESTORE on a cold start)
    duration_ms: float  # as printed on REPORT: 2 decimals
    billed_duration_ms: int
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None  # cold start of an on-demand environment
    status: str  # 'success' | 'error' | 'timeout'
    error_type: str | None  # exception type, or 'Runtime.OutOfMemory'; None on success and timeout
    trace_id: str | None  # X-Ray trace id when the invocation was sampled
    log_format: str  # 'text' | 'json'
    runtime: str  # 'python' | 'node' | 'java'
    restore_duration_ms: float | None = None  # cold start of a SnapStart environment (RESTORE)

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def end_ms(self) -> int:
        """Epoch ms of END / REPORT."""
        return self.start_ms + round(self.duration_ms)

    @property
    def cold_start(self) -> bool:
        return self.init_duration_ms is not None or self.restore_duration_ms is not None


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One API Gateway request as it really happened.

    `integration_latency_ms` is 0.0 when the request never reached the integration (throttled,
    forbidden); the access log then shows `-`.
    """

    api_id: str
    stage: str
    request_id: str
    time_ms: int  # epoch ms when API Gateway received the request
    http_method: str
    resource_path: str
    status_code: int
    latency_ms: float
    integration_latency_ms: float
    source_ip: str
    user_agent: str
    response_length: int
    access_format: str  # 'clf' | 'json' | 'csv' | 'xml' | 'custom_json'

    @property
    def end_ms(self) -> int:
        """Epoch ms of the access log event (the response was sent)."""
        return self.time_ms + round(self.latency_ms)


@dataclass(frozen=True)
class Dataset:
    """Deliveries as a subscribed Lambda receives them, plus the truth they were rendered from."""

    deliveries: list[dict[str, Any]]  # {"awslogs": {"data": base64(gzip(json))}}
    invocations: list[Invocation]
    requests: list[ApiRequest]
    event_count: int  # CloudWatch log events across DATA_MESSAGE deliveries
    owner: str  # account id
