"""OpenSearch Dashboards saved objects for the events index, as NDJSON (Stack Management → Import).

Every id and title carries a namespace (`loglake` by default), so two installs in one Dashboards
tenant — two stages, two teams — never overwrite each other's objects. Queries are Lucene syntax,
which Dashboards runs as an OpenSearch `query_string` query: a test runs every saved search's query
against a real node and compares the hits with the lake.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from schemas.events import EVENTS
from schemas.opensearch import DEFAULT_INDEX_PREFIX

DEFAULT_NAMESPACE = "loglake"
REQUEST_ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
TRACE_ID_PLACEHOLDER = "1-00000000-000000000000000000000000"
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
ERRORS_QUERY = (
    "level:(ERROR OR FATAL) OR record_type:(runtime_error OR timeout) OR status:(error OR failure OR timeout)"
)


@dataclass(frozen=True)
class SavedSearch:
    key: str
    title: str
    description: str
    query: str
    columns: tuple[str, ...]
    ascending: bool = False  # one request or trace reads best in time order


SAVED_SEARCHES = (
    SavedSearch(
        "errors",
        "Errors",
        "ERROR/FATAL lines, runtime crashes, timeouts and failed invocations.",
        ERRORS_QUERY,
        ("function_name", "record_type", "level", "request_id", "error_type", "message"),
    ),
    SavedSearch(
        "timeouts",
        "Timeouts",
        "Invocations that ran out of time.",
        "record_type:timeout OR status:timeout",
        ("function_name", "request_id", "duration_ms", "message"),
    ),
    SavedSearch(
        "cold-starts",
        "Cold starts",
        "REPORT lines with an init duration: one per cold start.",
        "record_type:report AND _exists_:init_duration_ms",
        ("function_name", "function_version", "init_duration_ms", "duration_ms", "memory_size_mb"),
    ),
    SavedSearch(
        "request",
        "One request",
        "Every line of one request, in order. Replace the id in the query bar.",
        f'request_id:"{REQUEST_ID_PLACEHOLDER}"',
        ("function_name", "record_type", "level", "message", "status_code"),
        ascending=True,
    ),
    SavedSearch(
        "trace",
        "One trace",
        "Every line that carries one X-Ray trace id, in order. Replace the id in the query bar.",
        f'trace_id:"{TRACE_ID_PLACEHOLDER}"',
        ("function_name", "record_type", "request_id", "duration_ms", "message"),
        ascending=True,
    ),
)


def _search_source(query: str) -> str:
    source = {"query": {"query": query, "language": "lucene"}, "filter": [], "indexRefName": INDEX_REF}
    return json.dumps(source, sort_keys=True)


def _object(kind: str, oid: str, attributes: dict[str, Any], references: list[dict[str, str]]) -> dict[str, Any]:
    return {"type": kind, "id": oid, "attributes": attributes, "references": references}


def _index_ref(namespace: str) -> list[dict[str, str]]:
    return [{"name": INDEX_REF, "type": "index-pattern", "id": f"{namespace}-index-pattern"}]


def _search(namespace: str, search: SavedSearch) -> dict[str, Any]:
    attributes = {
        "title": f"[{namespace}] {search.title}",
        "description": search.description,
        "columns": list(search.columns),
        "sort": [[EVENTS.time_column, "asc" if search.ascending else "desc"]],
        "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source(search.query)},
    }
    return _object("search", f"{namespace}-search-{search.key}", attributes, _index_ref(namespace))


def _agg(aid: str, kind: str, schema: str, **params: Any) -> dict[str, Any]:
    return {"id": aid, "enabled": True, "type": kind, "schema": schema, "params": params}


def _lucene(query: str, label: str) -> dict[str, Any]:
    return {"input": {"query": query, "language": "lucene"}, "label": label}


def visualizations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """key → (title, base query, visState without title)."""
    time_field = EVENTS.time_column
    series = [_lucene("record_type:report", "invocations"), _lucene(ERRORS_QUERY, "errors")]
    over_time = [
        _agg("1", "count", "metric"),
        _agg("2", "date_histogram", "segment", field=time_field, interval="auto", min_doc_count=1),
        _agg("3", "filters", "group", filters=series),
    ]
    p95 = [
        _agg("1", "percentiles", "metric", field="duration_ms", percents=[95]),
        _agg("2", "terms", "bucket", field="function_name", size=50, order="asc", orderBy="_key"),
    ]
    bounds = [(100, 200, "1xx"), (200, 300, "2xx"), (300, 400, "3xx"), (400, 500, "4xx"), (500, 600, "5xx")]
    status = [
        _agg("1", "count", "metric"),
        _agg(
            "2",
            "range",
            "segment",
            field="status_code",
            ranges=[{"from": a, "to": b, "label": t} for a, b, t in bounds],
        ),
    ]
    return {
        "invocations-errors": (
            "Invocations and errors over time",
            "*",
            {"type": "line", "aggs": over_time, "params": {"type": "line", "addLegend": True, "addTooltip": True}},
        ),
        "p95-duration": (
            "p95 duration per function (ms)",
            "record_type:report",
            {"type": "table", "aggs": p95, "params": {"perPage": 20}},
        ),
        "api-status": (
            "API status classes",
            "record_type:access",
            {"type": "pie", "aggs": status, "params": {"type": "pie", "isDonut": True, "addLegend": True}},
        ),
    }


def _visualization(namespace: str, key: str, title: str, query: str, state: dict[str, Any]) -> dict[str, Any]:
    full_title = f"[{namespace}] {title}"
    attributes = {
        "title": full_title,
        "description": "",
        "visState": json.dumps({"title": full_title, **state}, sort_keys=True),
        "uiStateJSON": "{}",
        "kibanaSavedObjectMeta": {"searchSourceJSON": _search_source(query)},
    }
    return _object("visualization", f"{namespace}-vis-{key}", attributes, _index_ref(namespace))


def _dashboard(namespace: str, panels: list[tuple[str, str]]) -> dict[str, Any]:
    """`panels`: (saved object type, id), laid out two per row."""
    layout, references = [], []
    for n, (kind, oid) in enumerate(panels):
        grid = {"x": 24 * (n % 2), "y": 15 * (n // 2), "w": 24, "h": 15, "i": str(n + 1)}
        panel = {"panelIndex": str(n + 1), "gridData": grid, "embeddableConfig": {}, "panelRefName": f"panel_{n}"}
        layout.append(panel)
        references.append({"name": f"panel_{n}", "type": kind, "id": oid})
    attributes = {
        "title": f"[{namespace}] Serverless overview",
        "description": "Invocations, errors, latency and API status from the loglake events index.",
        "panelsJSON": json.dumps(layout, sort_keys=True),
        "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
        "timeRestore": False,
        "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "lucene"}})},
    }
    return _object("dashboard", f"{namespace}-dashboard-overview", attributes, references)


def saved_objects(namespace: str = DEFAULT_NAMESPACE, index_prefix: str = DEFAULT_INDEX_PREFIX) -> list[dict[str, Any]]:
    pattern = {"title": f"{index_prefix}-*", "timeFieldName": EVENTS.time_column}
    objects = [_object("index-pattern", f"{namespace}-index-pattern", pattern, [])]
    objects += [_search(namespace, search) for search in SAVED_SEARCHES]
    visuals = visualizations()
    objects += [_visualization(namespace, key, *spec) for key, spec in visuals.items()]
    panels = [("visualization", f"{namespace}-vis-{key}") for key in visuals]
    panels.append(("search", f"{namespace}-search-errors"))
    objects.append(_dashboard(namespace, panels))
    return objects


def dashboards_ndjson(namespace: str = DEFAULT_NAMESPACE, index_prefix: str = DEFAULT_INDEX_PREFIX) -> str:
    return "".join(json.dumps(o, sort_keys=True) + "\n" for o in saved_objects(namespace, index_prefix))
