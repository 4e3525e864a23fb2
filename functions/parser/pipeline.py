"""Route → parse → transpose: messages in, one Arrow column per parsed field out. Pure.

Messages are grouped by format; each format parses its whole group and the group's rows are turned
into columns with one `zip(*rows)`. A line its parser rejects — or on which a parser fails — is kept
as 'unknown' with its text: one bad line never fails the batch, and no line is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from functions.parser.formats import plain
from functions.parser.formats.base import Format, Row
from functions.parser.route import route
from schemas.arrow import arrow_type
from schemas.events import EVENTS

_TYPES: dict[str, pa.DataType] = {c.name: arrow_type(c.kind) for c in EVENTS.columns}
_POSITION = "_position"
# Below this many lines the column-at-a-time pass costs more than it saves (fixed cost per compute call).


@dataclass(frozen=True, slots=True)
class ParsedLines:
    """Parsed columns in the order of the input messages, and how many lines each format took."""

    columns: pa.Table
    format_counts: dict[str, int]
    failures: int  # lines on which a parser raised (kept as unknown); a non-zero count is a parser bug


def _parse_all(fmt: Format, inputs: list[Any]) -> tuple[list[Row | None], int]:
    try:
        return [fmt.parse(x) for x in inputs], 0
    except Exception:  # a parser bug must not cost the batch: retry line by line, isolating the culprits
        rows: list[Row | None] = []
        failures = 0
        for x in inputs:
            try:
                rows.append(fmt.parse(x))
            except Exception:
                rows.append(None)
                failures += 1
        return rows, failures


def _group_table(fmt: Format, positions: list[int], rows: list[Row]) -> pa.Table:
    arrays = [
        pa.array(values, type=_TYPES[name]) for name, values in zip(fmt.fields, zip(*rows, strict=True), strict=True)
    ]
    arrays.append(pa.array(positions, type=pa.int32()))
    return pa.Table.from_arrays(arrays, names=[*fmt.fields, _POSITION])


def _route_groups(
    messages: Sequence[str], fallback: Format, positions: Iterable[int]
) -> dict[Format, tuple[list[int], list[Any]]]:
    groups: dict[Format, tuple[list[int], list[Any]]] = {}
    for i in positions:
        fmt, value = route(messages[i], fallback)
        entry = groups.get(fmt)
        if entry is None:
            entry = groups[fmt] = ([], [])
        entry[0].append(i)
        entry[1].append(value)
    return groups


def parse_lines(messages: Sequence[str], fallback: Format = plain.UNKNOWN) -> ParsedLines:
    """Parse every message: each goes to the parser of its format (`route`), one row per message."""
    tables: list[pa.Table] = []
    counts: dict[str, int] = {}
    rejected: list[int] = []
    failures = 0
    for fmt, (positions, inputs) in _route_groups(messages, fallback, range(len(messages))).items():
        rows, failed = _parse_all(fmt, inputs)
        failures += failed
        kept_rows = [r for r in rows if r is not None]
        kept_positions = positions
        if len(kept_rows) != len(rows):
            rejected.extend(p for p, r in zip(positions, rows, strict=True) if r is None)
            kept_positions = [p for p, r in zip(positions, rows, strict=True) if r is not None]
        if kept_rows:
            tables.append(_group_table(fmt, kept_positions, kept_rows))
            counts[fmt.name] = counts.get(fmt.name, 0) + len(kept_rows)
    if rejected:
        rejected.sort()
        tables.append(_group_table(plain.UNKNOWN, rejected, [plain.parse_unknown(messages[p]) for p in rejected]))
        counts[plain.UNKNOWN.name] = counts.get(plain.UNKNOWN.name, 0) + len(rejected)
    return ParsedLines(_in_input_order(tables), counts, failures)


def _in_input_order(tables: list[pa.Table]) -> pa.Table:
    if not tables:
        return pa.table({_POSITION: pa.array([], pa.int32())})
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="default")
    order = pc.sort_indices(table[_POSITION])
    return table.take(order).drop_columns([_POSITION])
