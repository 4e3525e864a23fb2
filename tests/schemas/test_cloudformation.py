"""The Glue table of the stack, rendered from the one schema: columns, partitions, Parquet, projection."""

from __future__ import annotations

import json

from schemas.cloudformation import MAX_COMMENT, PARQUET_SERDE, glue_table_input
from schemas.columns import Column, Kind, Partition, Table
from schemas.events import EVENTS
from schemas.glue import glue_type
from schemas.render import REPO


def test_columns_and_partition_keys_follow_the_schema_in_order() -> None:
    # Given the events table
    # When it is rendered as a TableInput
    table = glue_table_input(EVENTS)
    # Then every column and partition keeps its name, order and Glue type
    columns = table["StorageDescriptor"]["Columns"]
    assert [c["Name"] for c in columns] == list(EVENTS.names)
    assert [c["Type"] for c in columns] == [glue_type(c.kind) for c in EVENTS.columns]
    assert [(p["Name"], p["Type"]) for p in table["PartitionKeys"]] == [("dt", "string"), ("hour", "int")]
    assert table["TableType"] == "EXTERNAL_TABLE"


def test_parquet_storage_under_the_stacks_bucket_and_prefix() -> None:
    storage = glue_table_input(EVENTS)["StorageDescriptor"]
    assert storage["SerdeInfo"]["SerializationLibrary"] == PARQUET_SERDE
    assert storage["InputFormat"].endswith("MapredParquetInputFormat")
    assert storage["Location"] == {"Fn::Sub": "s3://${LakeBucket}/${LakePrefix}events/"}


def test_partition_projection_template_escapes_partition_names_for_fn_sub() -> None:
    params = glue_table_input(EVENTS)["Parameters"]
    assert params["projection.enabled"] == "true"
    assert params["projection.dt.type"] == "date" and params["projection.hour.digits"] == "2"
    # `${!dt}` is how Fn::Sub writes a literal `${dt}`, which Athena fills in per partition
    assert params["storage.location.template"] == {
        "Fn::Sub": "s3://${LakeBucket}/${LakePrefix}events/dt=${!dt}/hour=${!hour}/"
    }


def test_long_docs_are_cut_to_the_glue_comment_limit() -> None:
    # Given a column whose doc is longer than Glue accepts
    table = Table(
        name="t",
        doc="d",
        columns=(Column("c", Kind.STRING, "x" * 400),),
        partitions=(Partition("dt", Kind.STRING, "day", {"type": "date"}),),
        time_column="c",
    )
    # When rendered, Then the comment fits and says it was cut
    comment = glue_table_input(table)["StorageDescriptor"]["Columns"][0]["Comment"]
    assert len(comment) == MAX_COMMENT and comment.endswith("…")


def test_the_lake_tables_map_parquet_columns_by_name() -> None:
    # Sparse objects leave out their empty columns, so a file's n-th column is not the table's n-th:
    # Athena must map Parquet columns by name (its default for Parquet; `parquet.column.index.access`
    # = true would switch to ordinals), and then reads a column a file lacks as NULL.
    # Given the committed Glue table inputs and the Athena DDL the stack and `athena setup` use
    inputs = [json.loads(p.read_text()) for p in sorted((REPO / "infra" / "glue").glob("*-table-input.json"))]
    ddl = [p.read_text() for p in sorted((REPO / "infra" / "athena" / "tables").glob("*.sql"))]
    assert inputs and ddl
    # Then neither asks for index access, and every one is the Parquet SerDe
    for table in inputs:
        serde = table["StorageDescriptor"]["SerdeInfo"]
        assert serde["SerializationLibrary"] == PARQUET_SERDE
        assert serde["Parameters"].get("parquet.column.index.access", "false") == "false"
        assert table["Parameters"].get("parquet.column.index.access", "false") == "false"
    for text in ddl:
        assert "STORED AS PARQUET" in text and "column.index.access" not in text
