"""Dashboards saved objects: well-formed, namespaced, and every saved query answers right on a real node."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from opensearchpy import OpenSearch

from loglake.local_ingest import ingest_events, local_ingestor
from loglake.synth import Dataset
from schemas.dashboards import (
    REQUEST_ID_PLACEHOLDER,
    SAVED_SEARCHES,
    TRACE_ID_PLACEHOLDER,
    saved_objects,
    visualizations,
)
from schemas.events import EVENTS
from schemas.opensearch import index_template
from tests.opensearch_support import count, lake_table, make_indexer

AGGREGATABLE = {"keyword", "integer", "long", "double", "date", "ip"}
Predicate = Callable[[pa.Table], Any]


def isin(table: pa.Table, column: str, values: list[str]) -> Any:
    return pc.fill_null(pc.is_in(table[column], pa.array(values)), False)


LAKE_EQUIVALENT: dict[str, Predicate] = {
    "errors": lambda t: pc.or_(
        pc.or_(isin(t, "level", ["ERROR", "FATAL"]), isin(t, "record_type", ["runtime_error", "timeout"])),
        isin(t, "status", ["error", "failure", "timeout"]),
    ),
    "timeouts": lambda t: pc.or_(isin(t, "record_type", ["timeout"]), isin(t, "status", ["timeout"])),
    "cold-starts": lambda t: pc.and_(isin(t, "record_type", ["report"]), pc.is_valid(t["init_duration_ms"])),
}


@pytest.fixture(scope="module")
def indexed(
    opensearch_url: str, small_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[OpenSearch, str, pa.Table]]:
    client = OpenSearch(hosts=[opensearch_url], max_retries=0, timeout=60)
    prefix = "tdashboards"
    client.indices.put_index_template(name=prefix, body=index_template(EVENTS, prefix))
    lake = tmp_path_factory.mktemp("dashboards-lake")
    ingest_events(iter(small_dataset.deliveries), local_ingestor(lake, "eu-west-1", make_indexer(client, lake, prefix)))
    yield client, prefix, lake_table(lake)
    client.indices.delete(index=f"{prefix}-*")
    client.indices.delete_index_template(name=prefix)


def hits(client: OpenSearch, prefix: str, lucene: str) -> int:
    """What Dashboards does with a Lucene query: a query_string query."""
    return count(client, prefix, {"query_string": {"query": lucene, "analyze_wildcard": True}})


@pytest.mark.parametrize("key", sorted(LAKE_EQUIVALENT))
def test_every_saved_search_finds_what_the_lake_says(key: str, indexed: tuple[OpenSearch, str, pa.Table]) -> None:
    client, prefix, lake = indexed
    search = next(s for s in SAVED_SEARCHES if s.key == key)
    expected = pc.sum(LAKE_EQUIVALENT[key](lake)).as_py()
    assert expected > 0 and hits(client, prefix, search.query) == expected


@pytest.mark.parametrize(
    ("key", "column", "placeholder"),
    [("request", "request_id", REQUEST_ID_PLACEHOLDER), ("trace", "trace_id", TRACE_ID_PLACEHOLDER)],
)
def test_one_request_and_one_trace_find_every_line_of_it(
    key: str, column: str, placeholder: str, indexed: tuple[OpenSearch, str, pa.Table]
) -> None:
    client, prefix, lake = indexed
    search = next(s for s in SAVED_SEARCHES if s.key == key)
    # Given the busiest id of the lake put in place of the saved search's placeholder
    counts = pc.value_counts(pc.drop_null(lake[column])).to_pylist()
    busiest = max(counts, key=lambda c: c["counts"])
    query = search.query.replace(placeholder, busiest["values"])
    # Then the saved search finds exactly its lines, and the placeholder itself finds nothing
    assert busiest["counts"] > 1 and hits(client, prefix, query) == busiest["counts"]
    assert hits(client, prefix, search.query) == 0


def test_visualizations_aggregate_only_on_aggregatable_fields() -> None:
    mapping = index_template(EVENTS)["template"]["mappings"]["properties"]
    for _title, query, state in visualizations().values():
        for agg in state["aggs"]:
            field = agg["params"].get("field")
            assert field is None or mapping[field]["type"] in AGGREGATABLE, (agg, field)
        assert query


def test_api_status_classes_cover_every_access_record(indexed: tuple[OpenSearch, str, pa.Table]) -> None:
    client, prefix, lake = indexed
    _title, query, state = visualizations()["api-status"]
    ranges = next(a for a in state["aggs"] if a["type"] == "range")["params"]["ranges"]
    body = {
        "size": 0,
        "query": {"query_string": {"query": query}},
        "aggs": {
            "classes": {
                "range": {
                    "field": "status_code",
                    "ranges": [{"from": r["from"], "to": r["to"], "key": r["label"]} for r in ranges],
                }
            }
        },
    }
    buckets = client.search(index=prefix, body=body)["aggregations"]["classes"]["buckets"]
    access = lake.filter(pc.equal(lake["record_type"], "access"))
    assert sum(b["doc_count"] for b in buckets) == access.num_rows - access["status_code"].null_count > 0
    assert {b["key"] for b in buckets if b["doc_count"]} >= {"2xx", "4xx"}


def test_saved_objects_are_namespaced_and_every_reference_resolves() -> None:
    objects = saved_objects("team-a")
    ids = {(o["type"], o["id"]) for o in objects}
    assert len(ids) == len(objects) and all(o["id"].startswith("team-a-") for o in objects)
    assert ids.isdisjoint({(o["type"], o["id"]) for o in saved_objects("team-b")})
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in ids
    kinds = sorted(o["type"] for o in objects)
    assert kinds == ["dashboard", "index-pattern", *["search"] * 5, *["visualization"] * 3]
    dashboard = next(o for o in objects if o["type"] == "dashboard")
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    assert [p["panelRefName"] for p in panels] == [r["name"] for r in dashboard["references"]]


def test_the_committed_ndjson_imports_line_by_line() -> None:
    path = Path(__file__).resolve().parents[2] / "infra" / "opensearch" / "dashboards.ndjson"
    lines = path.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [o["id"] for o in saved_objects()]
