"""Render a table definition as an OpenSearch composable index template."""

from __future__ import annotations

from typing import Any

from schemas.columns import Column, Kind, Table

KEYWORD_IGNORE_ABOVE = 1024


def field_mapping(column: Column) -> dict[str, Any]:
    kind = column.kind
    mapping: dict[str, Any]
    if kind is Kind.TEXT:
        mapping = {"type": "text"}
        if column.indexed:
            mapping["fields"] = {"keyword": {"type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE}}
    elif kind is Kind.STRING:
        mapping = {"type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE}
    elif kind is Kind.TIMESTAMP:
        mapping = {"type": "date", "format": "strict_date_optional_time||epoch_millis"}
    else:
        mapping = {"type": {Kind.INT: "integer", Kind.BIGINT: "long", Kind.DOUBLE: "double", Kind.IP: "ip"}[kind]}
    if not column.indexed:
        mapping["index"] = False
    return mapping


def index_template(table: Table, index_prefix: str = "loglake-events", shards: int = 1) -> dict[str, Any]:
    """Template for daily indices `<prefix>-yyyy.mm.dd`; documents carry exactly the schema's columns."""
    return {
        "index_patterns": [f"{index_prefix}-*"],
        "priority": 100,
        "_meta": {"generated_from": f"schemas/{table.name}", "doc": table.doc},
        "template": {
            "settings": {"number_of_shards": shards, "number_of_replicas": 0, "refresh_interval": "5s"},
            "mappings": {
                "dynamic": "strict",
                "_meta": {"time_field": table.time_column},
                "properties": {c.name: field_mapping(c) for c in table.columns},
            },
        },
    }
