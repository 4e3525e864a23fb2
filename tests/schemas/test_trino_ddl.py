"""The lake's tables in Trino's DDL: the same columns as the Athena DDL, partitions last, Parquet, external."""

from __future__ import annotations

import re

import sqlglot

from schemas.glue import glue_ddl
from schemas.lake import EVENT_COMMITS, EVENT_OBJECTS
from schemas.trino import trino_ddl


def test_every_column_then_the_partitions_in_schema_order() -> None:
    ddl = trino_ddl(EVENT_OBJECTS, "hive", "logs", "s3://b/lake/events")
    names = re.findall(r'^  "(\w+)"\s', ddl, flags=re.MULTILINE)
    assert names == [*EVENT_OBJECTS.names, "dt", "hour"]
    assert ddl.startswith('CREATE TABLE IF NOT EXISTS "hive"."logs"."events_objects" (')
    assert "external_location = 's3://b/lake/events/'" in ddl and "format = 'PARQUET'" in ddl
    assert "partitioned_by = ARRAY['dt', 'hour']" in ddl


def test_types_match_the_athena_ddl_column_by_column() -> None:
    athena = dict(re.findall(r"^  `(\w+)`\s+(\w+)", glue_ddl(EVENT_COMMITS), flags=re.MULTILINE))
    trino = dict(re.findall(r'^  "(\w+)"\s+([\w(),]+)', trino_ddl(EVENT_COMMITS, "c", "s", "/x"), flags=re.MULTILINE))
    same = {"string": "varchar", "int": "integer", "bigint": "bigint", "double": "double", "timestamp": "timestamp(3)"}
    assert {name: same[kind] for name, kind in athena.items()} == trino


def test_quotes_in_docs_and_names_are_escaped_and_the_ddl_parses_as_trino() -> None:
    ddl = trino_ddl(EVENT_COMMITS, "hive", "we'ird", "/lake/it's/events_commits")
    assert "'''added''" in ddl and "'/lake/it''s/events_commits/'" in ddl
    assert sqlglot.parse_one(ddl, read="trino").key == "create"
