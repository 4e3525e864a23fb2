"""Pick the format of one CloudWatch event message with cheap checks, before any parser runs.

Lines starting with `{` are JSON-decoded here, once, and the decoded object is what the JSON formats
receive. Lines no format claims go to `fallback`: `plain.PRINT` in Lambda log groups (it is what the
function printed), `plain.UNKNOWN` elsewhere.
"""

from __future__ import annotations

import json
import re
from typing import Any

from functions.parser.decode import has_utf8_form
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
from functions.parser.formats.fields import UUID_SHAPE

_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d[T ]")
_CLOCK = re.compile(r"\d\d:\d\d:\d\d")
_ID_FIRST = re.compile(rf"{UUID_SHAPE}[ \t]")
_PLATFORM = lambda_platform_text.BY_PREFIX
_LEVEL_CLOSE = max(map(len, LEVEL_ALIASES)) + 2  # where the `]` of `[LEVEL]` can be, at the latest
_JUL = frozenset(java_text.JUL_LEVELS)
_JSON = json.JSONDecoder()
_JSON_SPACE = " \t\n\r"  # what JSON allows around a value
_FIRST_WORD = re.compile(r"[^ \t\n]{0,16}")


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
    # The regex checks run only on lines that pass a cheap test first; a dated log4j line stays Java.
    if lambda_runtime_text.is_out_of_memory(line[:400]) and not java_text.matches_dated(line):
        return lambda_runtime_text.CRASH  # e.g. Node.js's `<ts> <request id> FATAL ERROR: ... heap out of memory`
    if line[10] == "T" and node_text.matches_spaced(line) and not java_text.matches_dated(line):
        return node_text.NODE_TEXT  # a Node.js line whose tabs became spaces
    return java_text.JAVA_TEXT


def _route_capitalized(line: str, word: str) -> Format | None:
    """A line that starts with a capital letter and is no platform line (`word`: its first word)."""
    if word == "RequestId:" and " Error:" in line[:80]:
        timed_out = "Task timed out after" in line[:200]
        return lambda_runtime_text.TIMEOUT if timed_out else lambda_runtime_text.CRASH
    if line.startswith(python_text.LAMBDA_WARNING):
        return python_text.PYTHON_TEXT
    if word.endswith(":") and word[:-1] in _JUL:
        return java_text.JAVA_TEXT
    return None


def _route_text(line: str, fallback: Format) -> Format:
    first = line[0]
    if first == "[":
        close = line.find("]", 1, _LEVEL_CLOSE)
        if close > 0 and line[1:close].upper() in LEVEL_ALIASES:
            return python_text.PYTHON_TEXT
    elif first.isdigit() and _ISO_DATE.match(line):
        return _route_timestamped(line)
    elif "A" <= first <= "Z":
        # The first word, cut at 16 characters: no word routed on is that long.
        word = _FIRST_WORD.match(line).group()  # type: ignore[union-attr]  # `{0,16}` matches anywhere
        found = _PLATFORM.get(word) or _route_capitalized(line, word)
        if found is not None:
            return found
    elif first == "(":
        return apigateway_execution.EXECUTION
    if first.isalnum() and (_CLOCK.match(line) or _ID_FIRST.match(line)) and java_text.JAVA_TEXT.parse(line):
        return java_text.JAVA_TEXT
    if lambda_runtime_text.looks_like_crash(line):
        return lambda_runtime_text.CRASH
    return apigateway_access.text_format_for(line) or fallback


def route(line: str, fallback: Format) -> tuple[Format, Any]:
    """(format, what its parser takes): the decoded object for JSON lines, the line itself otherwise."""
    if not line:
        return fallback, line
    if line[0] == "{":
        try:
            obj, end = _JSON.raw_decode(line)  # `json.loads` without its checks this line has passed
        except (ValueError, RecursionError):  # nested deeper than the stack: kept as text, like any non-JSON
            return fallback, line
        if end != len(line) and line[end:].strip(_JSON_SPACE):  # text after the object: not a JSON line
            return fallback, line
        if isinstance(obj, dict) and ("\\u" not in line or has_utf8_form(json.dumps(obj, ensure_ascii=False))):
            return route_json(obj), obj
        return fallback, line
    return _route_text(line, fallback), line
