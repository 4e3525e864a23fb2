"""Pick the format of one CloudWatch event message with cheap checks, before any parser runs.

Lines starting with `{` are JSON-decoded here, once, and the decoded object is what the JSON formats
receive. Lines no format claims go to `fallback`: `plain.PRINT` in Lambda log groups (it is what the
function printed), `plain.UNKNOWN` elsewhere.
"""

from __future__ import annotations

import json
import re
from typing import Any

from functions.parser.formats import (
    apigateway_access,
    apigateway_execution,
    java_text,
    lambda_json,
    lambda_platform_text,
    lambda_runtime_text,
    node_text,
    powertools_json,
    python_text,
)
from functions.parser.formats.base import LEVEL_ALIASES, Format

_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d[T ]")
_PLATFORM = lambda_platform_text.BY_PREFIX


def route_json(obj: dict[str, Any]) -> Format:
    if lambda_json.is_platform(obj):
        return lambda_json.PLATFORM
    if apigateway_access.looks_like_access(obj):
        return apigateway_access.ACCESS_JSON
    if powertools_json.looks_like_powertools(obj):
        return powertools_json.POWERTOOLS
    return lambda_json.APP


def _route_timestamped(line: str) -> Format:
    if "Task timed out after" in line[:120]:
        return lambda_runtime_text.TIMEOUT
    if line[10] == "T" and "\t" in line[:40]:
        return node_text.NODE_TEXT
    return java_text.JAVA_TEXT


def _route_text(line: str, fallback: Format) -> Format:
    first = line[0]
    if first == "[":
        close = line.find("]", 1, 12)
        if close > 0 and line[1:close] in LEVEL_ALIASES:
            return python_text.PYTHON_TEXT
    elif first.isdigit() and _ISO_DATE.match(line):
        return _route_timestamped(line)
    elif "A" <= first <= "Z":
        end = len(line)
        for sep in (" ", "\t", "\n"):
            found = line.find(sep, 0, 16)
            if 0 < found < end:
                end = found
        platform = _PLATFORM.get(line[:end])
        if platform is not None:
            return platform
        if line.startswith("RequestId: ") and "Task timed out after" in line:
            return lambda_runtime_text.TIMEOUT
    elif first == "(":
        return apigateway_execution.EXECUTION
    if lambda_runtime_text.looks_like_crash(line):
        return lambda_runtime_text.CRASH
    return apigateway_access.text_format_for(line) or fallback


def _storable(obj: dict[str, Any]) -> bool:
    """False when a `\\udXXX` escape decoded to a lone surrogate, which has no UTF-8 form: such a line is
    kept as its text (which is valid) rather than as fields Parquet could not hold."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def route(line: str, fallback: Format) -> tuple[Format, Any]:
    """(format, what its parser takes): the decoded object for JSON lines, the line itself otherwise."""
    if not line:
        return fallback, line
    if line[0] == "{":
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):  # nested deeper than the stack: kept as text, like any non-JSON
            return fallback, line
        if isinstance(obj, dict) and ("\\u" not in line or _storable(obj)):
            return route_json(obj), obj
        return fallback, line
    return _route_text(line, fallback), line
