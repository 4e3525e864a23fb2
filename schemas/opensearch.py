"""Render a table definition as OpenSearch artifacts: the index template and the retention policy.

Layout: one index per UTC day of the event time, `<prefix>-yyyy.MM.dd`, every one of them behind the
alias `<prefix>` (the template adds it), so searches and Dashboards see one logical index while
retention drops whole days. Mapping choices, per column kind:
- STRING (ids, names, enums): `keyword` — exact match, terms aggregations, sorting.
- TEXT (message, errors, stack traces, user agent, attributes): `text` for word search, plus a
  `keyword` sub-field (up to 1024 characters) for exact match and aggregations.
- numbers as numbers, TIMESTAMP as `date` (epoch millis or ISO), IP as `ip` (a malformed address
  leaves the field empty instead of rejecting the whole document; the lake keeps the text in `raw`).
- `dynamic: strict`: a document with a column the schema doesn't know is rejected (and kept in
  `failed/`), never silently mapped.
"""

from __future__ import annotations

from typing import Any

from schemas.columns import Column, Kind, Table

KEYWORD_IGNORE_ABOVE = 1024
DEFAULT_INDEX_PREFIX = "loglake-events"
DEFAULT_RETENTION_DAYS = 30


def template_name(index_prefix: str) -> str:
    return index_prefix


def policy_id(index_prefix: str) -> str:
    return f"{index_prefix}-retention"


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
    elif kind is Kind.IP:
        mapping = {"type": "ip", "ignore_malformed": True}
    else:
        mapping = {"type": {Kind.INT: "integer", Kind.BIGINT: "long", Kind.DOUBLE: "double"}[kind]}
    if not column.indexed:
        mapping["index"] = False
    return mapping


def closed_values(table: Table) -> dict[str, list[str]]:
    """The columns with a closed list of values (record_type, level), for whoever reads the template."""
    return {c.name: list(c.values) for c in table.columns if c.values}


def index_template(table: Table, index_prefix: str = DEFAULT_INDEX_PREFIX, shards: int = 1) -> dict[str, Any]:
    """Template for daily indices `<prefix>-yyyy.MM.dd`; documents carry exactly the schema's columns."""
    return {
        "index_patterns": [f"{index_prefix}-*"],
        "priority": 100,
        "_meta": {"generated_from": f"schemas/{table.name}", "doc": table.doc},
        "template": {
            "aliases": {index_prefix: {}},
            "settings": {"number_of_shards": shards, "number_of_replicas": 0, "refresh_interval": "5s"},
            "mappings": {
                "dynamic": "strict",
                "_meta": {"time_field": table.time_column, "values": closed_values(table)},
                "properties": {c.name: field_mapping(c) for c in table.columns},
            },
        },
    }


def ism_policy(
    index_prefix: str = DEFAULT_INDEX_PREFIX, retention_days: int = DEFAULT_RETENTION_DAYS
) -> dict[str, Any]:
    """Index State Management: a daily index stays `hot`, then is deleted `retention_days` after creation.

    `ism_template` attaches the policy to every new index of the prefix. The Parquet lake keeps
    everything: a deleted day can be rebuilt with `loglake reindex`.
    """
    if retention_days < 1:
        raise ValueError(f"retention must be at least 1 day, not {retention_days}")
    return {
        "policy": {
            "description": f"loglake: delete {index_prefix}-* indices {retention_days} days after creation",
            "default_state": "hot",
            "states": [
                {
                    "name": "hot",
                    "actions": [],
                    "transitions": [{"state_name": "delete", "conditions": {"min_index_age": f"{retention_days}d"}}],
                },
                {"name": "delete", "actions": [{"delete": {}}], "transitions": []},
            ],
            "ism_template": [{"index_patterns": [f"{index_prefix}-*"], "priority": 100}],
        }
    }
