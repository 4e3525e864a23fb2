"""Route → parse → scatter: messages in, one list per parsed field out, in input order. Pure.

Messages are grouped by format and each format parses its whole group; each group's rows are then
scattered into full-length lists, one per field (None where a line's format has no such field), so
the columns come out in input order without a sort. A line its parser rejects — or on which a parser
fails — is kept as 'unknown' with its text: one bad line never fails the batch, and no line is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from functions.parser.formats import plain
from functions.parser.formats.base import Format, Row
from functions.parser.route import route


@dataclass(frozen=True, slots=True)
class ParsedLines:
    """Parsed fields in the order of the input messages, and how many lines each format took."""

    fields: dict[str, list[Any]]  # field -> one value per message; fields no line had are absent
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


def _scatter(fields: dict[str, list[Any]], n: int, fmt: Format, positions: list[int], rows: list[Row]) -> None:
    """Each of `rows` into its line's place (`positions`) in the lists of `fmt`'s fields."""
    whole = len(positions) == n  # the group is every line, in order: its values are the column
    for name, values in zip(fmt.fields, zip(*rows, strict=True), strict=True):
        column = fields.get(name)
        if column is None:
            if whole:
                fields[name] = list(values)
                continue
            column = fields[name] = [None] * n
        if values.count(None) == len(values):  # nothing to write: the positions of a group hold None until then
            continue
        for position, value in zip(positions, values, strict=True):
            column[position] = value


def _route_groups(messages: Sequence[str], fallback: Format) -> list[tuple[Format, list[int], list[Any]]]:
    """(format, positions, what its parser takes) for each format the messages route to."""
    groups: dict[int, tuple[Format, list[int], list[Any]]] = {}  # by id: a Format's own hash is dearer
    last: Format | None = None  # neighbouring lines often share a format: its group is at hand
    positions: list[int] = []
    inputs: list[Any] = []
    for i, message in enumerate(messages):
        fmt, value = route(message, fallback)
        if fmt is not last:
            entry = groups.get(id(fmt))
            if entry is None:
                entry = groups[id(fmt)] = (fmt, [], [])
            last, positions, inputs = entry
        positions.append(i)
        inputs.append(value)
    return list(groups.values())


def parse_lines(messages: Sequence[str], fallback: Format = plain.UNKNOWN) -> ParsedLines:
    """Parse every message: each goes to the parser of its format (`route`), one row per message."""
    n = len(messages)
    fields: dict[str, list[Any]] = {}
    counts: dict[str, int] = {}
    rejected: list[int] = []
    failures = 0
    for fmt, positions, inputs in _route_groups(messages, fallback):
        rows, failed = _parse_all(fmt, inputs)
        failures += failed
        kept_rows: list[Row] = [r for r in rows if r is not None]
        kept_positions = positions
        if len(kept_rows) != len(rows):
            rejected.extend(p for p, r in zip(positions, rows, strict=True) if r is None)
            kept_positions = [p for p, r in zip(positions, rows, strict=True) if r is not None]
        if kept_rows:
            _scatter(fields, n, fmt, kept_positions, kept_rows)
            counts[fmt.name] = counts.get(fmt.name, 0) + len(kept_rows)
    if rejected:
        rejected.sort()
        _scatter(fields, n, plain.UNKNOWN, rejected, [plain.parse_unknown(messages[p]) for p in rejected])
        counts[plain.UNKNOWN.name] = counts.get(plain.UNKNOWN.name, 0) + len(rejected)
    return ParsedLines(fields, counts, failures)
