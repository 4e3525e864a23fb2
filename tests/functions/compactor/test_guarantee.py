"""The read-side guarantee for repeated event ids, through the lake (`loglake sql`) and a real OpenSearch node.

- Within one payload an event id is kept once (its first line): the parser drops repeats at ingest.
- Across payloads (a redelivery cut differently) a copy may show until its hour is compacted; from then
  on `events` shows each event id once, as the index (one document per `_id`) always did.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch

from functions.parser.decode import decode_awslogs
from functions.parser.ingest import Ingestor
from functions.sinks.s3_parquet import LocalStore
from loglake.cli import main
from tests.opensearch_support import count, make_indexer
from tests.support import awslogs_event, load_payload


def payload_of(source: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    payload = copy.deepcopy(source)
    payload["logEvents"] = events
    return payload


def lake_counts(lake: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, int]:
    capsys.readouterr()
    sql = "SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events"
    assert main(["sql", "--lake", str(lake), "--format", "json", sql]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    return int(row["n"]), int(row["d"])


def test_ten_events_delivered_whole_then_as_five_and_five_count_ten_in_the_lake_and_the_index(
    tmp_path: Path, os_client: OpenSearch, index_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given 10 real events, delivered as one payload, then again cut as 5 + 5, then with one id repeated
    source = load_payload("awslogs_python_text.json")
    ten = source["logEvents"][:10]
    deliveries = [ten, ten[:5], ten[5:], [*ten[:4], ten[3], *ten[4:]]]
    lake = tmp_path / "lake"
    ingestor = Ingestor(
        store=LocalStore(lake), prefix="", region="eu-west-1", indexer=make_indexer(os_client, lake, index_prefix)
    )
    # When the parser ingests them
    results = []
    for events in deliveries:
        batch = decode_awslogs(awslogs_event(payload_of(source, events)))
        assert batch is not None
        results.append(ingestor.ingest(batch))
    # Then the payload that repeats an id stored it once, and the index holds one document per id
    assert [r.rows for r in results] == [10, 5, 5, 10]
    assert count(os_client, index_prefix) == 10
    # And before compaction the lake may still show the copies of other payloads; after it, each id once
    assert lake_counts(lake, capsys) == (30, 10)
    assert main(["compact", "--lake", str(lake), "--close-after-minutes", "0"]) == 0
    assert lake_counts(lake, capsys) == (10, 10) == (count(os_client, index_prefix), 10)
