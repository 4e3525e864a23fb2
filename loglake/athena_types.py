"""Athena returns every value as a string; turn them into Python values by the result set's column types."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

_ZONED = re.compile(r"^(\d{4}-\d{2}-\d{2}[ T][\d:.]+) (\S+)$")


def _boolean(text: str) -> bool:
    return text.lower() == "true"


def _timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _zoned_timestamp(text: str) -> dt.datetime | str:
    """`2026-11-27 05:09:00.000 UTC` (or a region name such as Europe/Paris) → an aware datetime."""
    match = _ZONED.match(text)
    if not match:
        return text
    try:
        zone: dt.tzinfo = dt.UTC if match.group(2) == "UTC" else zoneinfo.ZoneInfo(match.group(2))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return text
    return dt.datetime.fromisoformat(match.group(1)).replace(tzinfo=zone)


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "boolean": _boolean,
    "tinyint": int,
    "smallint": int,
    "integer": int,
    "int": int,
    "bigint": int,
    "double": float,
    "float": float,
    "real": float,
    "decimal": decimal.Decimal,
    "date": dt.date.fromisoformat,
    "timestamp": _timestamp,
    "timestamp with time zone": _zoned_timestamp,
}


def convert(text: str | None, athena_type: str) -> Any:
    """One cell: `None` stays NULL; unknown types (varchar, json, array, map, row...) stay text."""
    if text is None:
        return None
    base = athena_type.split("(", 1)[0].strip().lower()
    converter = _CONVERTERS.get(base)
    if converter is None:
        return text
    try:
        return converter(text)
    except (ValueError, decimal.InvalidOperation):
        return text
