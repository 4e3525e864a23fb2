"""Render a table definition as an Arrow schema (the schema of every Parquet file in the lake)."""

from __future__ import annotations

import pyarrow as pa

from schemas.columns import Kind, Table

_ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.STRING: pa.string(),
    Kind.TEXT: pa.string(),
    Kind.IP: pa.string(),
    Kind.INT: pa.int32(),
    Kind.BIGINT: pa.int64(),
    Kind.DOUBLE: pa.float64(),
    Kind.TIMESTAMP: pa.timestamp("ms"),
}


def arrow_type(kind: Kind) -> pa.DataType:
    return _ARROW_TYPES[kind]


def arrow_schema(table: Table) -> pa.Schema:
    """Columns only: partition keys live in the object path (Hive style), not in the files."""
    fields = [pa.field(c.name, arrow_type(c.kind), nullable=True, metadata={"doc": c.described}) for c in table.columns]
    return pa.schema(fields, metadata={"table": table.name})
