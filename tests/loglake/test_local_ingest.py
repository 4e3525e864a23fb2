"""`loglake ingest` of a file of many deliveries: one object per event hour for the file, not one per
delivery, and the same file ingested again overwrites its objects instead of adding to them."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from loglake.cli import main
from loglake.local_ingest import ingest_events, local_ingestor
from tests.support import awslogs_event

START_MS = 1_795_000_000_000  # 2026-11-18 10:13:20 UTC


def deliveries(count: int, per: int) -> list[dict[str, Any]]:
    """`count` deliveries of `per` REPORT-less app lines each, 7 minutes apart, in four log streams."""
    out = []
    for d in range(count):
        events = [
            {"id": f"{d:04d}{i:04d}", "timestamp": START_MS + d * 420_000 + i, "message": f"line {d}.{i}\n"}
            for i in range(per)
        ]
        payload = {
            "messageType": "DATA_MESSAGE",
            "owner": "123456789012",
            "logGroup": "/aws/lambda/orders",
            "logStream": f"2026/11/18/[$LATEST]{d % 4:032x}",
            "subscriptionFilters": ["loglake"],
            "logEvents": events,
        }
        out.append(awslogs_event(payload))
    return out


def hours_of(events: list[dict[str, Any]]) -> set[str]:
    """The event-time hours of the deliveries, read off their timestamps (not through loglake)."""
    return {
        datetime.fromtimestamp(e["timestamp"] / 1000, UTC).strftime("%Y-%m-%d/%H")
        for d in events
        for e in json.loads(gzip.decompress(base64.b64decode(d["awslogs"]["data"])))["logEvents"]
    }


def lake_objects(lake: Path) -> dict[str, int]:
    return {
        str(p.relative_to(lake)): pq.read_metadata(p).num_rows
        for p in sorted(lake.glob("events/dt=*/hour=*/*.parquet"))
    }


def test_a_file_of_many_deliveries_is_one_object_per_hour(tmp_path: Path) -> None:
    # Given 40 deliveries spanning several hours, in a JSON Lines file
    batch = deliveries(40, 25)
    source = tmp_path / "events.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in batch))
    # When the CLI ingests it
    assert main(["ingest", "--lake", str(tmp_path / "lake"), str(source)]) == 0
    # Then there is one object per event hour, holding every event once
    objects = lake_objects(tmp_path / "lake")
    assert len(objects) == len(hours_of(batch)) > 2
    assert sum(objects.values()) == 40 * 25
    ids = pq.read_table(tmp_path / "lake" / "events", columns=["event_id"]).column(0).to_pylist()
    assert len(set(ids)) == len(ids) == 40 * 25


def test_the_same_file_ingested_again_overwrites_its_objects(tmp_path: Path) -> None:
    # Given a lake made from a file
    source = tmp_path / "events.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in deliveries(12, 30)))
    lake = tmp_path / "lake"
    assert main(["ingest", "--lake", str(lake), str(source)]) == 0
    first = lake_objects(lake)
    # When the same file is ingested again
    assert main(["ingest", "--lake", str(lake), str(source)]) == 0
    # Then the lake has the same objects with the same rows: nothing was added twice
    assert lake_objects(lake) == first


def test_coalesced_objects_are_cut_every_max_rows_and_keep_every_row(tmp_path: Path) -> None:
    # Given 9 deliveries of 30 events, ingested whole
    batch = deliveries(9, 30)
    whole = ingest_events(iter(batch), local_ingestor(tmp_path / "whole", "local"))
    # When the same deliveries go through a coalescer that writes every 100 rows
    cut = ingest_events(iter(batch), local_ingestor(tmp_path / "cut", "local"), coalesce_rows=100)
    # Then both hold every row, and the cut one has more objects
    assert whole.rows_written == cut.rows_written == sum(lake_objects(tmp_path / "cut").values()) == 9 * 30
    assert len(lake_objects(tmp_path / "cut")) > len(lake_objects(tmp_path / "whole"))


@pytest.mark.parametrize("coalesce", [True, False])
def test_without_coalescing_each_delivery_is_written_as_the_lambda_writes_it(tmp_path: Path, coalesce: bool) -> None:
    # Given 6 deliveries, each within one hour
    batch = deliveries(6, 10)
    # When ingested with and without coalescing
    summary = ingest_events(iter(batch), local_ingestor(tmp_path, "local"), coalesce_rows=1000 if coalesce else 0)
    # Then every row is there; one object per delivery without, one per hour with
    assert summary.rows_written == 60
    expected = len(hours_of(batch)) if coalesce else 6
    assert summary.objects_written == len(lake_objects(tmp_path)) == expected
