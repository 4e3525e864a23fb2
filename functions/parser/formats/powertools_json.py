"""Powertools for AWS Lambda structured logs (Python, TypeScript, Java, .NET), one JSON object per line.

Python keys: level, location, message, timestamp (`2021-05-03 11:47:12,494+0000` by default), service,
sampling_rate, cold_start, function_name, function_memory_size, function_arn, function_request_id,
xray_trace_id, correlation_id, exception, exception_name, stack_trace. TypeScript puts errors under
`error: {name, message, stack}`; Java and .NET use the same snake_case context keys. Everything not
promoted to a column (service, location, correlation_id, cold_start, user keys...) is kept in
`attributes`, where the app_logs view reads it.
"""

from __future__ import annotations

from typing import Any

from functions.parser.formats.base import Format, Row, normalize_level
from functions.parser.formats.fields import (
    attributes_json,
    python_exception,
    request_id_or_none,
    stack_text,
    text_or_none,
    trace_id_from_header,
)

FIELDS = (
    "record_type",
    "level",
    "request_id",
    "function_name",
    "message",
    "error_type",
    "error_message",
    "stack_trace",
    "trace_id",
    "attributes",
)
_PROMOTED = frozenset(
    {
        "level",
        "message",
        "timestamp",
        "function_request_id",
        "function_name",
        "xray_trace_id",
        "exception",
        "exception_name",
        "stack_trace",
        "error",
    }
)
_NO_ERROR: tuple[None, None, None] = (None, None, None)
_MARKERS = ("function_request_id", "function_arn", "cold_start", "sampling_rate", "xray_trace_id")


def looks_like_powertools(obj: dict[str, Any]) -> bool:
    if "level" in obj and any(key in obj for key in _MARKERS):
        return True
    return "service" in obj and "location" in obj


def _error(obj: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(error_type, error_message, stack_trace) from any of the Powertools flavours."""
    if "exception" not in obj and "error" not in obj and "exception_name" not in obj and "stack_trace" not in obj:
        return _NO_ERROR
    for key in ("error", "exception"):  # TypeScript `error`, Java-style `exception` objects
        nested = obj.get(key)
        if isinstance(nested, dict):
            name = nested.get("name") or nested.get("type")
            return text_or_none(name), text_or_none(nested.get("message")), stack_text(nested.get("stack"))
    exception = obj.get("exception")  # Python: the formatted traceback as one string
    error_type, error_message, stack = python_exception(exception) if isinstance(exception, str) else _NO_ERROR
    error_type = text_or_none(obj.get("exception_name")) or error_type
    return error_type, error_message, stack or text_or_none(exception) or stack_text(obj.get("stack_trace"))


def parse(obj: dict[str, Any]) -> Row | None:
    get = obj.get
    error_type, error_message, stack = _error(obj)
    request_id = get("function_request_id")
    trace = get("xray_trace_id")
    return (
        "app",
        normalize_level(get("level")),
        None if request_id is None else request_id_or_none(request_id),
        text_or_none(get("function_name")),
        text_or_none(get("message")),
        error_type,
        error_message,
        stack,
        None if trace is None else trace_id_from_header(trace),
        attributes_json(obj, _PROMOTED),
    )


POWERTOOLS = Format("powertools_json", FIELDS, parse)
