"""Render a table definition as Trino DDL: the Hive connector's `CREATE TABLE … WITH (external_location …)`.

Athena's Hive DDL (`CREATE EXTERNAL TABLE … STORED AS PARQUET`) does not parse on Trino, so the
lake's two tables get this second rendering of the same columns. The partition columns come last,
as Trino's Hive connector requires; partitions are registered with `system.sync_partition_metadata`
(see `loglake.trino_setup`), the way a self-managed metastore learns them without projection.
"""

from __future__ import annotations

from schemas.columns import Kind, Table

_TRINO_TYPES: dict[Kind, str] = {
    Kind.STRING: "varchar",
    Kind.TEXT: "varchar",
    Kind.IP: "varchar",
    Kind.INT: "integer",
    Kind.BIGINT: "bigint",
    Kind.DOUBLE: "double",
    Kind.TIMESTAMP: "timestamp(3)",
}


def trino_type(kind: Kind) -> str:
    return _TRINO_TYPES[kind]


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def qualified(catalog: str, schema: str, name: str) -> str:
    return ".".join(map(quote_name, (catalog, schema, name)))


def trino_ddl(table: Table, catalog: str, schema: str, location: str) -> str:
    """`CREATE TABLE IF NOT EXISTS` over the Parquet objects under `location` (the table's folder)."""
    columns = [*((c.name, c.kind, c.doc) for c in table.columns), *((p.name, p.kind, p.doc) for p in table.partitions)]
    width = max(len(name) for name, _, _ in columns) + 2
    body = ",\n".join(
        f"  {quote_name(name)}{' ' * (width - len(name))}{trino_type(kind)} COMMENT {quote_literal(doc)}"
        for name, kind, doc in columns
    )
    partitions = ", ".join(quote_literal(p.name) for p in table.partitions)
    return (
        f"CREATE TABLE IF NOT EXISTS {qualified(catalog, schema, table.name)} (\n{body}\n)\n"
        f"COMMENT {quote_literal(table.doc)}\n"
        "WITH (\n"
        f"  external_location = {quote_literal(location.rstrip('/') + '/')},\n"
        "  format = 'PARQUET',\n"
        f"  partitioned_by = ARRAY[{partitions}]\n"
        ")"
    )
