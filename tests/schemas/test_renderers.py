"""One schema, three renderings: Arrow, Athena DDL, OpenSearch template — and no drift on disk."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
import sqlglot

from schemas.arrow import arrow_schema
from schemas.columns import Kind
from schemas.events import EVENTS
from schemas.glue import glue_ddl, table_properties
from schemas.opensearch import index_template
from schemas.render import REPO, artifacts

REQUIRED = [
    "event_id",
    "event_time",
    "ingest_time",
    "account_id",
    "region",
    "log_group",
    "log_stream",
    "source",
    "function_name",
    "function_version",
    "record_type",
    "level",
    "request_id",
    "message",
    "raw",
    "trace_id",
    "error_type",
    "error_message",
    "stack_trace",
    "attributes",
    "duration_ms",
    "billed_duration_ms",
    "memory_size_mb",
    "max_memory_used_mb",
    "init_duration_ms",
    "restore_duration_ms",
    "status",
    "http_method",
    "resource_path",
    "status_code",
    "latency_ms",
    "integration_latency_ms",
    "source_ip",
    "user_agent",
    "response_length",
    "api_id",
    "stage",
]


def test_every_column_the_analysts_rely_on_exists_once() -> None:
    assert set(REQUIRED) <= set(EVENTS.names)
    assert len(EVENTS.names) == len(set(EVENTS.names))
    assert all(c.doc for c in EVENTS.columns)


@pytest.mark.parametrize("rel", sorted(artifacts()))
def test_committed_artifacts_match_the_schema(rel: str) -> None:
    committed = (REPO / rel).read_text(encoding="utf-8")
    assert committed == artifacts()[rel], f"{rel} drifted from schemas/: run `python -m schemas.render`"


def test_arrow_types() -> None:
    schema = arrow_schema(EVENTS)
    assert schema.names == list(EVENTS.names)
    assert schema.field("event_time").type == pa.timestamp("ms")
    assert schema.field("status_code").type == pa.int32()
    assert schema.field("billed_duration_ms").type == pa.int64()
    assert schema.field("duration_ms").type == pa.float64()
    assert schema.field("source_ip").type == pa.string()
    assert "dt" not in schema.names and "hour" not in schema.names


def test_glue_ddl_uses_partition_projection_and_parses() -> None:
    ddl = glue_ddl(EVENTS, database="loglake", location="s3://bucket/lake/events/")
    props = table_properties(EVENTS, "s3://bucket/lake/events/")
    assert props["projection.enabled"] == "true"
    assert props["projection.dt.type"] == "date" and props["projection.hour.digits"] == "2"
    assert props["storage.location.template"] == "s3://bucket/lake/events/dt=${dt}/hour=${hour}/"
    assert "MSCK" not in ddl
    parsed = sqlglot.parse_one(ddl.rstrip().rstrip(";"), read="athena")
    columns = [c.name for c in parsed.find_all(sqlglot.exp.ColumnDef)]
    assert columns == [*EVENTS.names, "dt", "hour"]


def test_opensearch_mapping_choices() -> None:
    template = index_template(EVENTS)
    props = template["template"]["mappings"]["properties"]
    assert template["template"]["mappings"]["dynamic"] == "strict"
    assert props["message"]["type"] == "text" and props["message"]["fields"]["keyword"]["type"] == "keyword"
    assert props["request_id"]["type"] == "keyword" and props["event_id"]["type"] == "keyword"
    assert props["event_time"]["type"] == "date"
    assert props["duration_ms"]["type"] == "double" and props["status_code"]["type"] == "integer"
    assert props["source_ip"]["type"] == "ip"
    assert props["raw"] == {"type": "text", "index": False}
    kinds = {c.name: c.kind for c in EVENTS.columns}
    assert all(props[name]["type"] == "keyword" for name, kind in kinds.items() if kind is Kind.STRING)
    json.dumps(template)  # serializable
