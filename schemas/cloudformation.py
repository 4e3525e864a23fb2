"""Render a table definition as the `TableInput` of a CloudFormation `AWS::Glue::Table`.

The deployable stack (`serverless.yml`) reads the rendered JSON with `${file(...)}`: the columns,
partition keys, Parquet SerDe and partition projection come from `schemas/`, never typed twice.
Where the table lives is only known at deploy time, so locations are `Fn::Sub` expressions over the
stack's names: the lake bucket resource and the lake prefix parameter (see `LOCATION`).
"""

from __future__ import annotations

from typing import Any

from schemas.columns import Table
from schemas.glue import glue_type, table_properties

# `${LakeBucket}` is the bucket resource of the stack, `${LakePrefix}` its prefix parameter ('lake/').
LOCATION = "s3://${LakeBucket}/${LakePrefix}"

PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
TEMPLATE_KEY = "storage.location.template"
# Glue limits a column comment to 255 characters.
MAX_COMMENT = 255


def _comment(doc: str) -> str:
    return doc if len(doc) <= MAX_COMMENT else doc[: MAX_COMMENT - 1] + "…"


def table_location(table: Table, base: str = LOCATION) -> str:
    return f"{base}{table.folder}/"


def table_parameters(table: Table, base: str = LOCATION) -> dict[str, Any]:
    """TBLPROPERTIES as Glue table Parameters; the projection template escapes `${dt}` for `Fn::Sub`."""
    params: dict[str, Any] = {"EXTERNAL": "TRUE", **table_properties(table, table_location(table, base))}
    template = str(params[TEMPLATE_KEY])
    for part in table.partitions:
        template = template.replace(f"${{{part.name}}}", f"${{!{part.name}}}")
    params[TEMPLATE_KEY] = {"Fn::Sub": template}
    return params


def glue_table_input(table: Table, base: str = LOCATION) -> dict[str, Any]:
    """The `TableInput` property of an `AWS::Glue::Table` for `table`, stored as Parquet under `base`."""
    return {
        "Name": table.name,
        "Description": table.doc,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": table_parameters(table, base),
        "PartitionKeys": [
            {"Name": p.name, "Type": glue_type(p.kind), "Comment": _comment(p.doc)} for p in table.partitions
        ],
        "StorageDescriptor": {
            "Columns": [
                {"Name": c.name, "Type": glue_type(c.kind), "Comment": _comment(c.described)} for c in table.columns
            ],
            "Location": {"Fn::Sub": table_location(table, base)},
            "InputFormat": PARQUET_INPUT,
            "OutputFormat": PARQUET_OUTPUT,
            "SerdeInfo": {"SerializationLibrary": PARQUET_SERDE, "Parameters": {"serialization.format": "1"}},
            "Compressed": True,
            "StoredAsSubDirectories": False,
        },
    }
