"""Render a table definition as DuckDB column types (the local engine's typed empty tables and casts).

The types are the ones DuckDB gives the lake's Parquet columns when it reads them (a millisecond
timestamp reads as TIMESTAMP), so an empty lake and a full one have the same columns.
"""

from __future__ import annotations

from schemas.columns import Kind, Table

_DUCKDB_TYPES: dict[Kind, str] = {
    Kind.STRING: "VARCHAR",
    Kind.TEXT: "VARCHAR",
    Kind.IP: "VARCHAR",
    Kind.INT: "INTEGER",
    Kind.BIGINT: "BIGINT",
    Kind.DOUBLE: "DOUBLE",
    Kind.TIMESTAMP: "TIMESTAMP",
}


def duckdb_type(kind: Kind) -> str:
    return _DUCKDB_TYPES[kind]


def duckdb_columns(table: Table) -> list[tuple[str, str]]:
    """(name, type) of every column, then of every partition key (as DuckDB's Hive partitioning adds them)."""
    return [(c.name, duckdb_type(c.kind)) for c in table.columns] + [
        (p.name, duckdb_type(p.kind)) for p in table.partitions
    ]
