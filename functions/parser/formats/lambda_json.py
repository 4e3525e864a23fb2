"""Lambda's JSON log format (advanced logging controls).

- Platform records `{"time", "type": "platform.<event>", "record": {...}}`: `platform.start`,
  `platform.report` (metrics, status, tracing), `platform.initStart` (runtime version, function),
  `platform.runtimeDone`, `platform.restoreReport`... Each `platform.fooBar` becomes record_type
  `foo_bar`, except the few renamed in `_RECORD_TYPES` to match the text format's names.
- Application records written by the runtime: `{"timestamp", "level" (or "log_level"), "message",
  "logger", "requestId", "errorType", "errorMessage", "stackTrace", ...extra keys}`.
- A bare error object `{"errorType", "errorMessage", "stackTrace"}` (an unhandled error) → runtime_error.
"""

from __future__ import annotations

import re
from typing import Any

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import (
    attributes_json,
    request_id_or_none,
    stack_text,
    text_or_none,
    to_float,
    to_int,
    trace_id_from_header,
)

_RECORD_TYPES = {"extension": "extension", "telemetrySubscription": "telemetry", "initStart": "init_start"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

PLATFORM_FIELDS = (
    "record_type",
    "request_id",
    "function_name",
    "function_version",
    "runtime_version",
    "level",
    "status",
    "error_type",
    "trace_id",
    "duration_ms",
    "billed_duration_ms",
    "memory_size_mb",
    "max_memory_used_mb",
    "init_duration_ms",
    "restore_duration_ms",
    "billed_restore_duration_ms",
    "attributes",
    "message",
)
_PLATFORM_PROMOTED = frozenset(
    {
        "requestId",
        "functionName",
        "functionVersion",
        "version",
        "runtimeVersion",
        "status",
        "errorType",
        "metrics",
        "tracing",
    }
)


def record_type_of(event_type: str) -> str:
    name = event_type.removeprefix("platform.")
    return _RECORD_TYPES.get(name) or _CAMEL.sub("_", name).lower()


def is_platform(obj: dict[str, Any]) -> bool:
    kind = obj.get("type")
    return isinstance(kind, str) and kind.startswith("platform.") and isinstance(obj.get("record"), dict)


def _platform_message(event_type: str, record: dict[str, Any]) -> str:
    """A short searchable line (`platform.report <request id> <status>`); the full record stays in `raw`."""
    words = [event_type]
    for key in ("requestId", "status", "phase", "runtimeVersion"):
        value = record.get(key)
        if isinstance(value, str) and value:
            words.append(value)
    return " ".join(words)


def _init_duration(record_type: str, metrics: dict[str, Any]) -> float | None:
    """Cold-start init time: `initDurationMs` on a report, the phase's own `durationMs` on an init report."""
    if record_type == "report":
        return to_float(metrics.get("initDurationMs"))
    if record_type == "init_report":
        return to_float(metrics.get("durationMs"))
    return None


def parse_platform(obj: dict[str, Any]) -> Row | None:
    if not is_platform(obj):
        return None
    record: dict[str, Any] = obj["record"]
    record_type = record_type_of(obj["type"])
    metrics = record.get("metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    tracing = record.get("tracing")
    tracing = tracing if isinstance(tracing, dict) else {}
    status = text_or_none(record.get("status"))
    failed = status is not None and status != "success"
    return (
        record_type,
        request_id_or_none(record.get("requestId")),
        text_or_none(record.get("functionName")),
        text_or_none(record.get("version") or record.get("functionVersion")),
        text_or_none(record.get("runtimeVersion")),
        "ERROR" if failed else None,
        status,
        text_or_none(record.get("errorType")),
        trace_id_from_header(tracing.get("value")),
        to_float(metrics.get("durationMs")) if record_type != "init_report" else None,
        to_int(metrics.get("billedDurationMs")),
        to_int(metrics.get("memorySizeMB")),
        to_int(metrics.get("maxMemoryUsedMB")),
        _init_duration(record_type, metrics),
        to_float(metrics.get("restoreDurationMs")),
        to_int(metrics.get("billedRestoreDurationMs")),
        attributes_json(record, _PLATFORM_PROMOTED),
        _platform_message(obj["type"], record),
    )


APP_FIELDS = (
    "record_type",
    "level",
    "request_id",
    "message",
    "error_type",
    "error_message",
    "stack_trace",
    "trace_id",
    "attributes",
)
_APP_PROMOTED = frozenset(
    {
        "timestamp",
        "time",
        "level",
        "log_level",
        "message",
        "requestId",
        "errorType",
        "errorMessage",
        "stackTrace",
        "stack",
        "traceId",
        "AWSTraceHeader",
    }
)


def is_error_object(obj: dict[str, Any]) -> bool:
    return "errorType" in obj and "errorMessage" in obj and "level" not in obj and "log_level" not in obj


def parse_app(obj: dict[str, Any]) -> Row | None:
    """Runtime-written JSON application records, and any other JSON object with a message or a level."""
    error_type = text_or_none(obj.get("errorType"))
    error_message = text_or_none(obj.get("errorMessage"))
    stack = stack_text(obj.get("stackTrace") or obj.get("stack"))
    level: str | None
    if is_error_object(obj):
        record_type, level = "runtime_error", "ERROR"
        message = error_message if error_type is None else f"{error_type}: {error_message or ''}".rstrip(": ")
    else:
        record_type = "app"
        level = normalize_level(obj.get("level", obj.get("log_level")))
        message = text_or_none(obj.get("message"))
    trace = trace_id_from_header(obj.get("traceId") or obj.get("AWSTraceHeader"))
    attributes = attributes_json(obj, _APP_PROMOTED)
    request_id = request_id_or_none(obj.get("requestId"))
    return (record_type, level, request_id, message, error_type, error_message, stack, trace, attributes)


PLATFORM = Format("lambda_json_platform", PLATFORM_FIELDS, parse_platform)
APP = Format("lambda_json_app", APP_FIELDS, parse_app)
