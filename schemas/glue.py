"""Render a table definition as Athena/Glue `CREATE EXTERNAL TABLE` DDL with partition projection.

Partition projection means Athena computes partitions from the table properties: no crawler, no
`MSCK REPAIR TABLE`, no `ALTER TABLE ADD PARTITION` after each write.
"""

from __future__ import annotations

from schemas.columns import Kind, Table

_GLUE_TYPES: dict[Kind, str] = {
    Kind.STRING: "string",
    Kind.TEXT: "string",
    Kind.IP: "string",
    Kind.INT: "int",
    Kind.BIGINT: "bigint",
    Kind.DOUBLE: "double",
    Kind.TIMESTAMP: "timestamp",
}

DATABASE_PLACEHOLDER = "${database}"
LOCATION_PLACEHOLDER = "${location}"


def glue_type(kind: Kind) -> str:
    return _GLUE_TYPES[kind]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_properties(table: Table, location: str) -> dict[str, str]:
    """The TBLPROPERTIES that turn on partition projection for `table` stored under `location`."""
    props = {"projection.enabled": "true", "parquet.compression": "ZSTD", "classification": "parquet"}
    for part in table.partitions:
        for key, value in part.projection.items():
            props[f"projection.{part.name}.{key}"] = value
    template = "".join(f"{p.name}=${{{p.name}}}/" for p in table.partitions)
    props["storage.location.template"] = location.rstrip("/") + "/" + template
    return props


def glue_ddl(table: Table, database: str = DATABASE_PLACEHOLDER, location: str = LOCATION_PLACEHOLDER) -> str:
    """DDL for Athena. `location` is the table prefix, e.g. s3://bucket/lake/events/."""
    width = max(len(c.name) for c in table.columns) + 2
    cols = ",\n".join(
        f"  `{c.name}`{' ' * (width - len(c.name))}{glue_type(c.kind)} COMMENT {_quote(c.described)}"
        for c in table.columns
    )
    parts = ",\n".join(f"  `{p.name}` {glue_type(p.kind)} COMMENT {_quote(p.doc)}" for p in table.partitions)
    props = ",\n".join(f"  {_quote(k)} = {_quote(v)}" for k, v in table_properties(table, location).items())
    return (
        f"CREATE EXTERNAL TABLE IF NOT EXISTS `{database}`.`{table.name}` (\n{cols}\n)\n"
        f"COMMENT {_quote(table.doc)}\n"
        f"PARTITIONED BY (\n{parts}\n)\n"
        "STORED AS PARQUET\n"
        f"LOCATION {_quote(location.rstrip('/') + '/')}\n"
        f"TBLPROPERTIES (\n{props}\n);\n"
    )
