"""`Ingestor.normalize`: one row per event id, the first of a payload that repeats one."""

from __future__ import annotations

import json

from functions.parser.decode import LogBatch, batch_from_json
from functions.parser.ingest import Ingestor

START_MS = 1_795_737_600_000


def batch(ids: list[str]) -> LogBatch:
    events = [{"id": event_id, "timestamp": START_MS + i, "message": f"line {i}"} for i, event_id in enumerate(ids)]
    payload = {"messageType": "DATA_MESSAGE", "owner": "1", "logGroup": "/aws/lambda/f", "logStream": "s"}
    decoded = batch_from_json(json.dumps({**payload, "logEvents": events}).encode())
    assert decoded is not None
    return decoded


def test_a_payload_that_repeats_an_event_id_keeps_the_first_row_of_it() -> None:
    ingestor = Ingestor(store=None, prefix="", region="r")  # type: ignore[arg-type]  # nothing is stored
    table = ingestor.normalize(batch(["a", "b", "a", "c", "b"])).table
    assert table["event_id"].to_pylist() == ["a", "b", "c"]
    assert table["raw"].to_pylist() == ["line 0", "line 1", "line 3"]


def test_a_payload_of_distinct_ids_keeps_every_row_in_order() -> None:
    ingestor = Ingestor(store=None, prefix="", region="r")  # type: ignore[arg-type]
    table = ingestor.normalize(batch(["c", "a", "b"])).table
    assert table["event_id"].to_pylist() == ["c", "a", "b"]
