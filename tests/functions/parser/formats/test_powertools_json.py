"""Powertools structured logs."""

from __future__ import annotations

import json

from functions.parser.formats.powertools_json import POWERTOOLS, looks_like_powertools
from tests.support import load_payload


def as_row(obj: dict[str, object]) -> dict[str, object]:
    parsed = POWERTOOLS.parse(obj)
    assert parsed is not None
    return dict(zip(POWERTOOLS.fields, parsed, strict=True))


def test_python_powertools_line_with_exception() -> None:
    obj = json.loads(load_payload("awslogs_json_format.json")["logEvents"][3]["message"])
    assert looks_like_powertools(obj)
    r = as_row(obj)
    assert (r["level"], r["request_id"], r["function_name"], r["message"]) == (
        "ERROR",
        "5b7e1c2d-3e4f-4a5b-8c9d-0e1f2a3b4c5d",
        "report-builder",
        "template missing",
    )
    assert (r["error_type"], r["error_message"]) == ("FileNotFoundError", "template.html")
    assert r["trace_id"] == "1-6745a1b2-0123456789abcdef01234567"
    attributes = json.loads(str(r["attributes"]))
    assert attributes["service"] == "reports"
    assert attributes["correlation_id"] == "c-77"
    assert attributes["cold_start"] is True
    assert "message" not in attributes and "function_request_id" not in attributes


def test_typescript_powertools_error_object() -> None:
    obj = {
        "level": "ERROR",
        "message": "db down",
        "timestamp": "2026-11-27T05:09:26.220Z",
        "service": "orders",
        "cold_start": False,
        "function_request_id": "r-1",
        "error": {
            "name": "ConnectionError",
            "location": "/var/task/index.js:3",
            "message": "refused",
            "stack": "ConnectionError: refused\n    at x",
        },
    }
    r = as_row(obj)
    assert (r["error_type"], r["error_message"], r["stack_trace"]) == (
        "ConnectionError",
        "refused",
        "ConnectionError: refused\n    at x",
    )


def test_plain_json_without_powertools_keys_is_not_claimed() -> None:
    assert not looks_like_powertools({"level": "INFO", "message": "x", "requestId": "r"})
    assert looks_like_powertools({"service": "orders", "location": "app:1", "message": "x"})


def test_trace_id_without_lambda_context_keys() -> None:
    # Given a Powertools record logged without inject_lambda_context, so only the trace id is there
    obj = {
        "level": "INFO",
        "message": "Received event",
        "service": "runners-scale-up",
        "timestamp": "2023-03-20T08:15:27.448Z",
        "xray_trace_id": "1-6418161e-08825c2f575213ef760531bf",
    }
    assert looks_like_powertools(obj)
    assert as_row(obj)["trace_id"] == "1-6418161e-08825c2f575213ef760531bf"
