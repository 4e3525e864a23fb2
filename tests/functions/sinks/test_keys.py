"""Deterministic, safe object keys."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from functions.parser.decode import LogBatch, batch_from_json
from functions.parser.ingest import Ingestor
from functions.sinks.keys import HOUR_MS, Partition, normalize_prefix, object_key, partition_of_hour
from functions.sinks.s3_parquet import LocalStore
from tests.support import load_payload


def test_partition_of_an_hour_is_utc() -> None:
    # 2026-11-27T05:09:26Z
    assert partition_of_hour(1_795_756_166_000 // HOUR_MS) == Partition("2026-11-27", 5)
    assert Partition("2026-11-27", 5).path == "dt=2026-11-27/hour=05"


def test_same_identity_same_key_other_identity_other_key() -> None:
    part = Partition("2026-11-27", 5)
    assert object_key("lake/", "events", part, "a") == object_key("lake", "events", part, "a")
    assert object_key("lake/", "events", part, "a") != object_key("lake/", "events", part, "b")
    assert object_key("lake/", "events", part, "a").startswith("lake/events/dt=2026-11-27/hour=05/")


@pytest.mark.parametrize(
    "identity",
    ["../../etc/passwd", "/aws/lambda/x y", "grp=1/stream", "ロググループ\x1f..", "a\x00b", "\udcff"],
)
def test_names_never_reach_the_key(identity: str) -> None:
    key = object_key("lake/", "events", Partition("2026-11-27", 5), identity)
    name = key.rsplit("/", 1)[1]
    assert len(name) == len("0" * 32 + ".parquet") and name.endswith(".parquet")
    assert key.count("/") == 4 and ".." not in key


@pytest.mark.parametrize("prefix", ["../x", "a/../b", "a b/", "a/=b"])
def test_unsafe_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="unsafe lake prefix"):
        normalize_prefix(prefix)


def test_prefix_forms() -> None:
    assert normalize_prefix("") == ""
    assert normalize_prefix("/lake/v1/") == "lake/v1/"


def _batch(payload: dict[str, Any]) -> LogBatch:
    batch = batch_from_json(json.dumps(payload).encode())
    assert batch is not None
    return batch


def test_payloads_alike_but_for_a_middle_event_never_share_an_object(tmp_path: Path) -> None:
    # Given two payloads of one stream with the same first id, last id and count, whose middle
    # events differ: one in its id, one in its message only (crafted ids)
    original = load_payload("awslogs_python_text.json")
    assert len(original["logEvents"]) >= 3
    other_id = copy.deepcopy(original)
    middle_id = original["logEvents"][1]["id"]
    other_id["logEvents"][1]["id"] = middle_id[:-1] + ("1" if middle_id[-1] != "1" else "2")
    other_message = copy.deepcopy(original)
    other_message["logEvents"][1]["message"] += " (changed)"
    other_time = copy.deepcopy(original)
    other_time["logEvents"][1]["timestamp"] += 1
    lake = tmp_path / "lake"
    ingestor = Ingestor(store=LocalStore(lake), prefix="", region="eu-west-1")
    # When all are ingested into one lake
    for payload in (original, other_id, other_message, other_time):
        ingestor.ingest(_batch(payload))
    # Then none overwrote another: the lake holds every payload's rows
    files = sorted(lake.rglob("*.parquet"))
    assert len(files) == 4
    assert sum(pq.read_metadata(f).num_rows for f in files) == 4 * len(original["logEvents"])
    # And a redelivery of the same payload still lands on its own object
    ingestor.ingest(_batch(copy.deepcopy(original)))
    assert sorted(lake.rglob("*.parquet")) == files
