"""The merge: each event id once (the earliest ingested copy), sorted output, the same in any memory budget."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from functions.compactor.merge import merge_files
from functions.parser.decode import decode_awslogs
from functions.parser.ingest import Ingestor
from functions.sinks.s3_parquet import LocalStore, encode_parquet, without_empty_columns
from loglake.synth import generate
from schemas.arrow import arrow_schema
from schemas.events import EVENTS

MIB = 1024 * 1024
T0 = 1_795_737_600_000
SCHEMA = arrow_schema(EVENTS)


def events(ids: list[str], ingest_ms: int, names: list[str | None] | None = None, extra: bool = False) -> pa.Table:
    """Rows as the parser writes them (a subset of the columns: the merge fills in the rest)."""
    columns = {
        "event_id": pa.array(ids, pa.string()),
        "event_time": pa.array([T0 + int(i.split("-")[-1]) % 997 for i in ids], pa.int64()).cast(pa.timestamp("ms")),
        "ingest_time": pa.array([ingest_ms] * len(ids), pa.int64()).cast(pa.timestamp("ms")),
        "function_name": pa.array(names or [f"fn-{int(i.split('-')[-1]) % 3}" for i in ids], pa.string()),
        "message": pa.array([f"copy ingested at {ingest_ms}: {i}" for i in ids], pa.string()),
    }
    if extra:
        columns["a_newer_column"] = pa.array(["kept"] * len(ids), pa.string())
    return pa.table(columns)


def write(folder: Path, name: str, table: pa.Table) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / name)
    return folder / name


def merged(paths: list[Path], work: Path, known: list[Path] | None = None, budget: int = 64 * MIB) -> pa.Table:
    work.mkdir(parents=True, exist_ok=True)
    result = merge_files(paths, known or [], work, target_bytes=128 * MIB, budget_bytes=budget)
    table = pa.concat_tables([pq.read_table(p) for p in result.outputs])
    assert result.rows_out == table.num_rows
    return table


def order_key(row: dict[str, object]) -> tuple[bool, str, object, str]:
    name = row["function_name"]
    return (name is None, str(name or ""), row["event_time"], str(row["event_id"]))


def test_ten_events_delivered_whole_then_as_five_and_five_are_kept_once(tmp_path: Path) -> None:
    # Given the same 10 events as one delivery, then again as 5 + 5 later, and one id twice in a payload
    ids = [f"e-{n}" for n in range(10)]
    inputs = [
        write(tmp_path / "in", "a.parquet", events(ids, ingest_ms=T0 + 2000)),
        write(tmp_path / "in", "b.parquet", events(ids[:5], ingest_ms=T0 + 1000)),
        write(tmp_path / "in", "c.parquet", events([*ids[5:], "e-7"], ingest_ms=T0 + 3000)),
    ]
    # When merged
    table = merged(inputs, tmp_path / "work")
    rows = table.to_pylist()
    # Then each id is there once, the earliest ingested copy of each, in (function_name, event_time) order
    assert sorted(r["event_id"] for r in rows) == sorted(ids)
    earliest = {i: (T0 + 1000 if i in ids[:5] else T0 + 2000) for i in ids}
    assert {r["event_id"]: r["message"].split(":")[0] for r in rows} == {
        i: f"copy ingested at {t}" for i, t in earliest.items()
    }
    assert rows == sorted(rows, key=order_key)


def test_ids_a_compacted_object_already_holds_are_dropped(tmp_path: Path) -> None:
    # Given a compacted object of the hour holding e-0..e-4, and new inputs repeating e-3..e-6
    known = write(tmp_path / "known", "c-old-000.parquet", events([f"e-{n}" for n in range(5)], T0))
    inputs = [
        write(tmp_path / "in", "a.parquet", events(["e-3", "e-4", "e-5"], T0 + 10)),
        write(tmp_path / "in", "b.parquet", events(["e-6", "e-5"], T0 + 20)),
    ]
    # When merged
    table = merged(inputs, tmp_path / "work", known=[known])
    # Then only the ids the compacted object lacks are written, once each
    assert sorted(table["event_id"].to_pylist()) == ["e-5", "e-6"]


def test_a_tiny_memory_budget_spills_and_gives_the_very_same_output(tmp_path: Path) -> None:
    # Given 40 inputs of shuffled ids with repeats across them, some without a function name
    rng = random.Random(11)
    inputs = []
    for n in range(40):
        ids = [f"e-{rng.randrange(3000)}" for _ in range(150)]
        names: list[str | None] = [rng.choice(["api", "worker", None]) for _ in ids]
        inputs.append(write(tmp_path / "in", f"{n:03d}.parquet", events(ids, T0 + rng.randrange(50), names)))
    # When merged within 64 MiB (one bucket) and within 40 KB (dozens of buckets and runs)
    whole = merged(inputs, tmp_path / "whole")
    spilled = merged(inputs, tmp_path / "spilled", budget=40_000)
    assert len(list((tmp_path / "spilled").glob("run-*.arrow"))) > 10
    # Then the outputs are identical, row for row, one row per distinct id, in order
    assert spilled.equals(whole)
    distinct = {i for p in inputs for i in pq.read_table(p)["event_id"].to_pylist()}
    assert sorted(whole["event_id"].to_pylist()) == sorted(distinct)
    rows = whole.to_pylist()
    assert rows == sorted(rows, key=order_key)


def test_columns_the_schema_lacks_are_kept(tmp_path: Path) -> None:
    # Given an object from a newer parser with a column this schema does not know
    inputs = [
        write(tmp_path / "in", "a.parquet", events(["e-1"], T0, extra=True)),
        write(tmp_path / "in", "b.parquet", events(["e-2"], T0)),
    ]
    # When merged
    table = merged(inputs, tmp_path / "work")
    # Then its values survive (null for the object that lacked it)
    assert dict(zip(table["event_id"].to_pylist(), table["a_newer_column"].to_pylist(), strict=True)) == {
        "e-1": "kept",
        "e-2": None,
    }


@pytest.mark.parametrize("budget", [64 * MIB, 30_000])
def test_rows_without_an_event_id_are_never_merged_away(tmp_path: Path, budget: int) -> None:
    table = events(["e-1", "e-2"], T0).set_column(0, "event_id", pa.array([None, None], pa.string()))
    inputs = [write(tmp_path / "in", "a.parquet", table), write(tmp_path / "in", "b.parquet", events(["e-3"], T0))]
    assert merged(inputs, tmp_path / "work", budget=budget).num_rows == 3


@pytest.mark.parametrize("budget", [64 * MIB, 200_000])
def test_sparse_and_full_objects_merge_into_full_schema_outputs_with_the_same_rows(tmp_path: Path, budget: int) -> None:
    # Given an hour of Lambda and API Gateway deliveries, each object written by the lake writer: every
    # other one sparse (its empty columns left out), the others with every column as before
    dataset = generate(seed=8, start_ms=T0, hours=1, invocations_per_hour=60, max_events_per_delivery=100)
    ingestor = Ingestor(store=LocalStore(tmp_path / "lake"), prefix="", region="eu-west-1", clock=lambda: T0)
    source: list[pa.Table] = []
    inputs: list[Path] = []
    for n, delivery in enumerate(dataset.deliveries):
        batch = decode_awslogs(delivery)
        if batch is None:
            continue
        table = ingestor.prepare(batch)[0].table
        source.append(table)
        body = encode_parquet(table) if n % 2 else encode_parquet(without_empty_columns(table))
        inputs.append(write(tmp_path / "in", f"{n:04d}.parquet", pq.read_table(pa.BufferReader(body))))
    widths = {len(pq.read_schema(p)) for p in inputs}
    assert len(widths) > 2 and max(widths) == len(SCHEMA)  # the premise: sparse objects of several widths
    # When merged (in one step, or spilled through many buckets)
    table = merged(inputs, tmp_path / "work", budget=budget)
    # Then the outputs have the schema's columns, order and types, and exactly the rows delivered
    assert table.schema.equals(pa.schema([f.remove_metadata() for f in SCHEMA]))
    want = pa.concat_tables(source).cast(table.schema).to_pylist()
    assert sorted(table.to_pylist(), key=order_key) == sorted(want, key=order_key)
    assert table.to_pylist() == sorted(table.to_pylist(), key=order_key)
