"""Merge small Parquet objects into a few big ones, sorted by `function_name`, `event_time`. Pure.

Every input row is in exactly one output, unchanged (the count is checked): compaction changes how
rows are stored, never which rows there are.
"""

from __future__ import annotations

import io
import math
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from functions.sinks.s3_parquet import encode_parquet
from schemas.arrow import arrow_schema
from schemas.events import EVENTS

SCHEMA = arrow_schema(EVENTS)
SORT_KEYS: list[tuple[str, Literal["ascending", "descending"]]] = [
    ("function_name", "ascending"),
    ("event_time", "ascending"),
]


class MergeError(RuntimeError):
    pass


def _conform(table: pa.Table) -> pa.Table:
    """The schema's columns in its order (nulls where an older object lacks one), then any extras."""
    arrays: list[Any] = []
    names: list[str] = []
    for field in SCHEMA:
        names.append(field.name)
        if field.name in table.column_names:
            column = table[field.name]
            arrays.append(column if column.type == field.type else column.cast(field.type))
        else:
            arrays.append(pa.nulls(table.num_rows, field.type))
    for name in table.column_names:
        if name not in names:
            names.append(name)
            arrays.append(table[name])
    return pa.Table.from_arrays(arrays, names=names)


def merge(bodies: list[bytes], target_bytes: int) -> tuple[list[bytes], int]:
    """Input objects → output objects of about `target_bytes` each, and the number of rows."""
    tables = [_conform(pq.read_table(io.BytesIO(body))) for body in bodies]
    rows = sum(t.num_rows for t in tables)
    merged = pa.concat_tables(tables, promote_options="default").combine_chunks()
    ordered = merged.take(pc.sort_indices(merged, sort_keys=SORT_KEYS))  # stable: reruns write the same objects
    parts = max(1, math.ceil(sum(len(b) for b in bodies) / target_bytes))
    per_part = max(1, math.ceil(rows / parts))
    outputs = [encode_parquet(ordered.slice(start, per_part)) for start in range(0, rows, per_part)]
    if ordered.num_rows != rows:
        raise MergeError(f"merged {ordered.num_rows} rows from {rows} input rows")
    return outputs, rows
