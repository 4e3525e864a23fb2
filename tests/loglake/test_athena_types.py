"""Athena's string cells → Python values, by the column type of the result set."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import pytest

from loglake.athena_types import convert


@pytest.mark.parametrize(
    ("text", "athena_type", "expected"),
    [
        ("42", "integer", 42),
        ("9007199254740993", "bigint", 9007199254740993),
        ("2.5", "double", 2.5),
        ("NaN", "real", "nan"),
        ("0.0000166667", "decimal(11,10)", decimal.Decimal("0.0000166667")),
        ("true", "boolean", True),
        ("false", "boolean", False),
        ("2026-11-27", "date", dt.date(2026, 11, 27)),
        ("2026-11-27 05:09:00.123", "timestamp", dt.datetime(2026, 11, 27, 5, 9, 0, 123000)),
        ("2026-11-27 05:09:00.000 UTC", "timestamp with time zone", dt.datetime(2026, 11, 27, 5, 9, tzinfo=dt.UTC)),
        ("orders-api", "varchar", "orders-api"),
        ('{"a":1}', "json", '{"a":1}'),
        ("[1, 2]", "array", "[1, 2]"),
        (None, "bigint", None),
        ("not a number", "bigint", "not a number"),
    ],
)
def test_values_are_typed_by_their_column(text: str | None, athena_type: str, expected: object) -> None:
    got = convert(text, athena_type)
    if expected == "nan":
        assert isinstance(got, float) and math.isnan(got)
    else:
        assert got == expected and type(got) is type(expected)


def test_a_zoned_timestamp_in_a_named_zone_keeps_its_zone() -> None:
    got = convert("2026-11-27 06:09:00.000 Europe/Paris", "timestamp with time zone")
    assert isinstance(got, dt.datetime)
    assert got.astimezone(dt.UTC) == dt.datetime(2026, 11, 27, 5, 9, tzinfo=dt.UTC)
