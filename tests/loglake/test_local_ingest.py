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
from loglake.local_ingest import SHARE_DELIVERIES, ingest_events, local_ingestor
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


def test_a_file_that_differs_in_one_delivery_gets_objects_of_its_own(tmp_path: Path) -> None:
    # Given two files of the same deliveries but one, and a file of the same deliveries laid out otherwise
    batch = deliveries(12, 30)
    payload = json.loads(gzip.decompress(base64.b64decode(batch[5]["awslogs"]["data"])))
    payload["logEvents"][-1]["message"] = "a different last line\n"
    changed = [*batch[:5], awslogs_event(payload), *batch[6:]]
    files = {"first.jsonl": batch, "changed.jsonl": changed}
    for name, content in files.items():
        (tmp_path / name).write_text("".join(json.dumps(d) + "\n" for d in content))
    (tmp_path / "array.json").write_text(json.dumps(batch, indent=2))
    # When each is ingested into a lake of its own
    keys = {}
    for name in (*files, "array.json"):
        assert main(["ingest", "--lake", str(tmp_path / f"lake-{name}"), str(tmp_path / name)]) == 0
        keys[name] = set(lake_objects(tmp_path / f"lake-{name}"))
    # Then the changed file shares no key with the first, and the same deliveries in another layout share all
    assert keys["first.jsonl"].isdisjoint(keys["changed.jsonl"])
    assert keys["array.json"] == keys["first.jsonl"]


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


def lake_rows(lake: Path) -> list[dict[str, Any]]:
    table = pq.read_table(lake / "events", columns=["event_id", "message", "raw", "attributes"])
    return sorted(table.to_pylist(), key=lambda r: r["event_id"])


def test_two_workers_write_the_same_lake_as_one(tmp_path: Path) -> None:
    # Given more deliveries than one share holds, with a bad one among them
    batch = deliveries(SHARE_DELIVERIES * 2 + 7, 3)
    batch.insert(SHARE_DELIVERIES + 1, {"awslogs": {"data": "not base64!"}})
    # When they are ingested by one process and by two
    one = ingest_events(iter(batch), local_ingestor(tmp_path / "one", "local"), workers=1)
    two = ingest_events(iter(batch), local_ingestor(tmp_path / "two", "local"), workers=2)
    # Then both lakes hold the same objects with the same rows, and the summaries agree, bad event included
    assert lake_objects(tmp_path / "two") == lake_objects(tmp_path / "one")
    assert sum(lake_objects(tmp_path / "one").values()) == (SHARE_DELIVERIES * 2 + 7) * 3
    assert (
        two.failed_items
        == one.failed_items
        == [f"event {SHARE_DELIVERIES + 1}: awslogs.data is not valid base64: " + one.failed_items[0].split(": ", 2)[2]]
    )
    assert (two.events_in, two.rows_written, two.objects_written) == (
        one.events_in,
        one.rows_written,
        one.objects_written,
    )


def test_coalesced_rows_are_redacted_as_the_lambda_redacts_them(tmp_path: Path) -> None:
    # Given deliveries whose lines carry secrets in text and in JSON
    batch = deliveries(5, 4)
    secrets = ["db password=hunter2 ok", '{"level": "INFO", "api_key": "k-123456", "message": "m"}']
    for n, delivery in enumerate(batch):
        payload = json.loads(gzip.decompress(base64.b64decode(delivery["awslogs"]["data"])))
        payload["logEvents"][n % 4]["message"] = secrets[n % 2]
        batch[n] = awslogs_event(payload)
    # When they are ingested coalesced, and one object per delivery as the Lambda writes them
    coalesced = ingest_events(iter(batch), local_ingestor(tmp_path / "coalesced", "local"))
    alone = ingest_events(iter(batch), local_ingestor(tmp_path / "alone", "local"), coalesce_rows=0)
    # Then the rows are the same, the secrets replaced in both, and both count ten replaced values: each
    # secret is held twice, by the raw line and by the message (text) or the attributes (JSON)
    rows = lake_rows(tmp_path / "coalesced")
    assert rows == lake_rows(tmp_path / "alone")
    assert coalesced.redacted_values == alone.redacted_values == 2 * 5
    assert not [r for r in rows if "hunter2" in r["raw"] or "k-123456" in r["raw"]]
