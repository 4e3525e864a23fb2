"""Lambda's JSON log format (advanced logging controls).

- Platform records `{"time", "type": "platform.<event>", "record": {...}}`: `platform.start`,
  `platform.report` (metrics, status, tracing), `platform.initStart` (runtime version, function),
  `platform.runtimeDone`, `platform.restoreReport`... Every type AWS documents has its record_type in
  `RECORD_TYPES` (named like the text format's lines: telemetry and logs subscriptions are `telemetry`,
  as `TELEMETRY` / `LOGS` lines are); a type AWS adds later is kept as `platform`. The types are those of
  https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html and of the Logs API
  (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-logs-api.html: platform.end, platform.fault...).
- `platform.fault` carries text, not an object (`RequestId: <id> Error: ...`): a `platform` row with
  the request id and the error type read from the text.
- Application records written by the runtime: `{"timestamp", "level" (or "log_level"), "message",
  "logger", "requestId", "errorType", "errorMessage", "stackTrace", ...extra keys}`.
- A bare error object `{"errorType", "errorMessage", "stackTrace"}` (an unhandled error) → runtime_error.
- A record without a `message` (metric lines, error records) takes its message from the key that
  carries its text (`errorMessage`, `msg`...); with none, normalize gives the row its line as message.
"""

from __future__ import annotations

import re
from typing import Any

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import (
    UUID_SHAPE,
    attributes_json,
    request_id_or_none,
    stack_text,
    text_or_none,
    to_float,
    to_int,
    trace_id_from_header,
)

# Every `platform.*` type of the Telemetry API, the Logs API and the JSON log format → a record type the schema lists.
RECORD_TYPES = {
    "initStart": "init_start",
    "initRuntimeDone": "init_runtime_done",
    "initReport": "init_report",
    "start": "start",
    "runtimeDone": "runtime_done",
    "report": "report",
    "end": "end",  # Logs API
    "restoreStart": "restore_start",
    "restoreRuntimeDone": "restore_runtime_done",
    "restoreReport": "restore_report",
    "extension": "extension",
    "telemetrySubscription": "telemetry",
    "logsSubscription": "telemetry",
    "logsDropped": "logs_dropped",
    "fault": "platform",
}
FAULT = "platform.fault"
_FAULT_ID = re.compile(rf"RequestId:\s*({UUID_SHAPE})")
_STATED_TYPE = re.compile(r"\b((?:Runtime|Sandbox)\.[A-Za-z]+)\s*$")

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
    return RECORD_TYPES.get(event_type.removeprefix("platform."), "platform")


def is_platform(obj: dict[str, Any]) -> bool:
    kind = obj.get("type")
    if not isinstance(kind, str) or not kind.startswith("platform."):
        return False
    record = obj.get("record")
    return isinstance(record, dict) or (kind == FAULT and isinstance(record, str))


def _fault(text: str) -> Row:
    """`platform.fault`: `RequestId: <id> Error: <reason>\\n<error type>` as its record text."""
    found = _FAULT_ID.search(text)
    stated = _STATED_TYPE.search(text.rstrip())
    values: dict[str, Any] = dict.fromkeys(PLATFORM_FIELDS)
    values.update(
        record_type="platform",
        request_id=found.group(1) if found else None,
        level="ERROR",
        error_type=stated.group(1) if stated else None,
        message=text.rstrip() or FAULT,
    )
    return tuple(values[name] for name in PLATFORM_FIELDS)


def _platform_message(event_type: str, record: dict[str, Any]) -> str:
    """A short searchable line (`platform.report <request id> <status>`); the full record stays in `raw`."""
    words = [event_type]
    for key in ("requestId", "status", "phase", "runtimeVersion"):
        value = record.get(key)
        if isinstance(value, str) and value:
            words.append(value)
    return " ".join(words)


def _durations(record_type: str, metrics: dict[str, Any]) -> tuple[float | None, float | None, float | None]:
    """(duration, init duration, restore duration): an init or restore report's own `durationMs` is the
    phase's duration, as INIT_REPORT / RESTORE_REPORT lines give it; a report's are its invocation's."""
    duration = to_float(metrics.get("durationMs"))
    if record_type == "init_report":
        return None, duration, None
    if record_type == "restore_report":
        return None, None, duration
    return duration, to_float(metrics.get("initDurationMs")), to_float(metrics.get("restoreDurationMs"))


def _level(record_type: str, status: str | None) -> str | None:
    if record_type == "logs_dropped":
        return "WARN"  # Lambda dropped log lines
    return "ERROR" if status is not None and status != "success" else None


def parse_platform(obj: dict[str, Any]) -> Row | None:
    if not is_platform(obj):
        return None
    if isinstance(obj["record"], str):
        return _fault(obj["record"])
    record: dict[str, Any] = obj["record"]
    record_type = record_type_of(obj["type"])
    metrics = record.get("metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    tracing = record.get("tracing")
    tracing = tracing if isinstance(tracing, dict) else {}
    status = text_or_none(record.get("status"))
    duration, init_duration, restore_duration = _durations(record_type, metrics)
    return (
        record_type,
        request_id_or_none(record.get("requestId")),
        text_or_none(record.get("functionName")),
        text_or_none(record.get("version") or record.get("functionVersion")),
        text_or_none(record.get("runtimeVersion")),
        _level(record_type, status),
        status,
        text_or_none(record.get("errorType")),
        trace_id_from_header(tracing.get("value")),
        duration,
        to_int(metrics.get("billedDurationMs")),
        to_int(metrics.get("memorySizeMB")),
        to_int(metrics.get("maxMemoryUsedMB")),
        init_duration,
        restore_duration,
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
        "xray_trace_id",
    }
)
# Keys that carry a record's text when it has no `message`, in order of preference.
_TEXT_KEYS = ("msg", "errorMessage", "error_message", "text", "log", "body")


def _text_of(obj: dict[str, Any]) -> str | None:
    """The text of a record without a `message`: the first text-carrying key (None when there is none)."""
    for key in _TEXT_KEYS:
        text = text_or_none(obj.get(key))
        if text is not None:
            if key == "errorMessage" and isinstance(obj.get("errorType"), str):
                return f"{obj['errorType']}: {text}"
            return text
    return None


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
        if message is None:
            message = _text_of(obj)
    trace = trace_id_from_header(obj.get("traceId") or obj.get("AWSTraceHeader") or obj.get("xray_trace_id"))
    attributes = attributes_json(obj, _APP_PROMOTED)
    request_id = request_id_or_none(obj.get("requestId"))
    return (record_type, level, request_id, message, error_type, error_message, stack, trace, attributes)


PLATFORM = Format("lambda_json_platform", PLATFORM_FIELDS, parse_platform)
APP = Format("lambda_json_app", APP_FIELDS, parse_app)
