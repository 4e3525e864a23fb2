"""The lake writer: Parquet per hour, deterministic keys, S3 through moto and a local folder."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from moto import mock_aws

from functions.parser.decode import LogBatch, batch_from_json, decode_awslogs
from functions.parser.normalize import SCHEMA, BatchContext, normalize
from functions.sinks.keys import HOUR_MS, partition_of_hour
from functions.sinks.s3_parquet import (
    ALWAYS_WRITTEN,
    SMALL_OBJECT_ROWS,
    SMALL_ZSTD_COLUMNS,
    LocalStore,
    S3Store,
    encode_parquet,
    split_by_hour,
    write_batch,
)
from loglake.synth import generate
from tests.support import load_payload

CTX = BatchContext(region="eu-west-1", ingest_time_ms=0)


def batch(name: str = "awslogs_python_text.json", shift_last_ms: int = 0) -> LogBatch:
    payload = load_payload(name)
    payload["logEvents"][-1]["timestamp"] += shift_last_ms
    b = batch_from_json(json.dumps(payload).encode())
    assert b is not None
    return b


@pytest.fixture
def s3() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket="lake", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def test_batch_spanning_two_hours_becomes_two_objects() -> None:
    b = batch(shift_last_ms=HOUR_MS)
    parts = split_by_hour(normalize(b, CTX).table)
    assert [(p.dt, p.hour) for p, _ in parts] == [("2026-11-27", 5), ("2026-11-27", 6)]
    assert [t.num_rows for _, t in parts] == [len(b) - 1, 1]


def test_s3_objects_are_zstd_parquet_with_the_schema(s3: object) -> None:
    b = batch()
    written = write_batch(S3Store(s3, "lake"), "lake/", normalize(b, CTX).table, b.identity)  # type: ignore[arg-type]
    assert len(written) == 1
    body = s3.get_object(Bucket="lake", Key=written[0].key)["Body"].read()  # type: ignore[attr-defined]
    parquet = pq.ParquetFile(io.BytesIO(body))
    # the schema's columns in its order and types, less those no row has a value in
    assert parquet.schema_arrow.equals(pa.schema([f for f in SCHEMA if f.name in parquet.schema_arrow.names]))
    assert parquet.metadata.num_rows == len(b)
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    assert written[0].key.startswith("lake/events/dt=2026-11-27/hour=05/")


def test_redelivery_overwrites_the_same_keys(s3: object) -> None:
    store = S3Store(s3, "lake")  # type: ignore[arg-type]
    b = batch()
    first = write_batch(store, "lake/", normalize(b, CTX).table, b.identity)
    again = write_batch(store, "lake/", normalize(b, CTX).table, b.identity)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"]]  # type: ignore[attr-defined]
    assert [o.key for o in first] == [o.key for o in again] == keys


def test_s3_errors_propagate_so_the_invocation_fails(s3: object) -> None:
    b = batch()
    with pytest.raises(s3.exceptions.NoSuchBucket):  # type: ignore[attr-defined]
        write_batch(S3Store(s3, "missing-bucket"), "lake/", normalize(b, CTX).table, b.identity)  # type: ignore[arg-type]


def test_local_store_writes_whole_files_and_refuses_escapes(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "lake")
    b = batch()
    written = write_batch(store, "", normalize(b, CTX).table, b.identity)
    files = [p for p in (tmp_path / "lake").rglob("*") if p.is_file()]
    assert [str(p.relative_to(tmp_path / "lake")) for p in files] == [o.key for o in written]
    assert pq.read_table(files[0]).num_rows == len(b)
    with pytest.raises(ValueError, match="escapes the lake folder"):
        store.put("../outside.parquet", b"x")
    assert not (tmp_path / "outside.parquet").exists()


def test_s3_conditional_writes_refuse_a_stale_or_existing_object_and_replace_nothing(s3: object) -> None:
    store = S3Store(s3, "lake")  # type: ignore[arg-type]
    # Given an object written only if absent
    first = store.put_if("lease.json", b"one", "application/json", expected=None)
    assert first is not None
    # When a second writer also writes it only if absent, or with a made-up tag
    assert store.put_if("lease.json", b"two", "application/json", expected=None) is None
    assert store.put_if("lease.json", b"two", "application/json", expected='"stale"') is None
    # Then the first body stands, and the writer holding its tag can replace it
    assert store.get_tagged("lease.json") == (b"one", first)
    second = store.put_if("lease.json", b"three", "application/json", expected=first)
    assert second is not None and second != first
    assert store.get("lease.json") == b"three"


def test_s3_store_lists_streams_and_deletes(s3: object, tmp_path: Path) -> None:
    store = S3Store(s3, "lake")  # type: ignore[arg-type]
    # Given two objects under a prefix, one written from a file, and one elsewhere
    source = tmp_path / "big.bin"
    source.write_bytes(bytes(range(256)) * 8192)
    with source.open("rb") as handle:
        store.put("p/big.bin", handle, "application/octet-stream")
    store.put("p/small", b"x")
    store.put("q/other", b"y")
    # When the prefix is listed and the big one copied back
    listed = store.list("p/")
    with (tmp_path / "copy.bin").open("wb") as target:
        store.download("p/big.bin", target)
    # Then the listing has each object's size, the copy is whole, and deleting (twice) removes it
    assert [(key, size) for key, size, _ in listed] == [("p/big.bin", source.stat().st_size), ("p/small", 1)]
    assert all(modified > 0 for _, _, modified in listed)
    assert (tmp_path / "copy.bin").read_bytes() == source.read_bytes()
    store.delete("p/small")
    store.delete("p/small")
    assert store.get_tagged("p/small") is None
    assert [key for key, _, _ in store.list("")] == ["p/big.bin", "q/other"]


def _columns_with_values(table: pa.Table) -> list[str]:
    return [name for name in table.column_names if any(v is not None for v in table[name].to_pylist())]


def synthetic_batch(lambda_group: bool) -> LogBatch:
    """The first synthetic delivery of a Lambda log group, or of an API Gateway one."""
    dataset = generate(seed=2, start_ms=1_795_737_600_000, hours=1, invocations_per_hour=40)
    for delivery in dataset.deliveries:
        b = decode_awslogs(delivery)
        if b is not None and b.log_group.startswith("/aws/lambda/") == lambda_group:
            return b
    raise AssertionError("no such delivery")


@pytest.mark.parametrize("lambda_group", [True, False], ids=["lambda", "apigateway"])
def test_an_object_leaves_out_the_columns_no_row_has_a_value_in(tmp_path: Path, lambda_group: bool) -> None:
    # Given a delivery of one kind of log (a Lambda one has no API Gateway fields, and the other way round)
    b = synthetic_batch(lambda_group)
    table = normalize(b, CTX).table
    # When it is written
    written = write_batch(LocalStore(tmp_path), "", table, b.identity)
    stored = pq.read_table(tmp_path / written[0].key, partitioning=None)
    # Then the object holds the columns with a value in some row, plus the identity and times, in the
    # schema's order and types; every row is there, each value as it was
    kept = set(_columns_with_values(table)) | ALWAYS_WRITTEN
    assert stored.column_names == [f.name for f in SCHEMA if f.name in kept]
    assert len(stored.column_names) < len(SCHEMA)
    assert stored.equals(table.select(stored.column_names))


def test_identity_and_time_columns_are_written_even_when_empty(tmp_path: Path) -> None:
    # Given rows whose ingest time is unknown (null) and whose other optional columns are empty
    b = batch()
    table = normalize(b, CTX).table
    table = table.set_column(2, "ingest_time", pa.nulls(table.num_rows, pa.timestamp("ms")))
    # When they are written
    written = write_batch(LocalStore(tmp_path), "", table, b.identity)
    # Then the object still has the column, all nulls
    stored = pq.read_table(tmp_path / written[0].key, partitioning=None)
    assert stored["ingest_time"].null_count == table.num_rows
    assert {"event_id", "event_time", "ingest_time"} <= set(stored.column_names)


def test_encode_parquet_keeps_every_column_it_is_given() -> None:
    # the compactor and the benchmarks encode whole tables: no column is dropped there
    table = normalize(batch(), CTX).table
    stored = pq.read_table(io.BytesIO(encode_parquet(table)))
    assert stored.column_names == SCHEMA.names
    assert stored.equals(table.cast(pa.schema([f.remove_metadata() for f in SCHEMA])))


def test_a_delivery_sized_object_has_time_statistics_only_and_a_big_one_prunes_and_uses_dictionaries() -> None:
    # Given one delivery's rows, and the same rows repeated past the small-object size
    table = normalize(batch(), CTX).table
    big = pa.concat_tables([table] * (SMALL_OBJECT_ROWS // table.num_rows + 1))
    # When each is encoded
    small_meta = pq.ParquetFile(io.BytesIO(encode_parquet(table))).metadata.row_group(0)
    big_meta = pq.ParquetFile(io.BytesIO(encode_parquet(big))).metadata.row_group(0)
    # Then the small one has statistics on the event time alone and no dictionary; the big one has both
    small_columns = {small_meta.column(i).path_in_schema: small_meta.column(i) for i in range(small_meta.num_columns)}
    big_columns = {big_meta.column(i).path_in_schema: big_meta.column(i) for i in range(big_meta.num_columns)}
    assert [n for n, c in small_columns.items() if c.is_stats_set] == ["event_time"]
    assert not any(c.has_dictionary_page for c in small_columns.values())
    assert big_columns["log_group"].has_dictionary_page and big_columns["function_name"].is_stats_set


def test_a_delivery_sized_object_spends_zstd_on_its_long_varied_columns_only_and_a_big_one_everywhere() -> None:
    table = normalize(batch(), CTX).table
    big = pa.concat_tables([table] * (SMALL_OBJECT_ROWS // table.num_rows + 1))
    small_meta = pq.ParquetFile(io.BytesIO(encode_parquet(table))).metadata.row_group(0)
    big_meta = pq.ParquetFile(io.BytesIO(encode_parquet(big))).metadata.row_group(0)
    small = {small_meta.column(i).path_in_schema: small_meta.column(i).compression for i in range(table.num_columns)}
    assert {name for name, codec in small.items() if codec == "ZSTD"} == set(SMALL_ZSTD_COLUMNS)
    assert {codec for name, codec in small.items() if name not in SMALL_ZSTD_COLUMNS} == {"SNAPPY"}
    assert {big_meta.column(i).compression for i in range(big.num_columns)} == {"ZSTD"}
    # and both read back as the rows given
    assert pq.read_table(io.BytesIO(encode_parquet(table))).equals(
        table.cast(pa.schema([f.remove_metadata() for f in SCHEMA]))
    )


def with_times(table: pa.Table, times: list[int | None]) -> pa.Table:
    index = table.schema.get_field_index("event_time")
    return table.set_column(index, "event_time", pa.array(times, pa.timestamp("ms")))


@pytest.mark.parametrize("spread_ms", [0, HOUR_MS - 1, HOUR_MS, 3 * HOUR_MS])
def test_split_by_hour_gives_each_hour_its_rows_in_order(spread_ms: int) -> None:
    table = normalize(batch(), CTX).table
    start = table["event_time"].cast(pa.int64())[0].as_py() // HOUR_MS * HOUR_MS
    times = [start + spread_ms * i // max(1, table.num_rows - 1) for i in range(table.num_rows)][::-1]
    parts = split_by_hour(table := with_times(table, list(times)))
    # expected: rows grouped by their hour, computed here without Arrow
    expected: dict[int, list[int]] = {}
    for row, t in enumerate(times):
        expected.setdefault(t // HOUR_MS, []).append(row)
    assert [(p.dt, p.hour) for p, _ in parts] == [
        (partition_of_hour(h).dt, partition_of_hour(h).hour) for h in sorted(expected)
    ]
    ids = table["event_id"].to_pylist()
    assert [part["event_id"].to_pylist() for _, part in parts] == [
        [ids[r] for r in expected[h]] for h in sorted(expected)
    ]


@pytest.mark.parametrize("key", ["../outside.parquet", "events/../../outside.parquet", "/etc/outside.parquet"])
def test_a_key_that_leads_out_of_the_lake_folder_is_refused_by_both_folder_stores(tmp_path: Path, key: str) -> None:
    from functions.compactor.store import LocalLakeStore

    lake = tmp_path / "lake"
    lake.mkdir()
    # When either folder store is asked to write or read a key outside the lake
    for attempt in (
        lambda: LocalStore(lake).put(key, b"x"),
        lambda: LocalLakeStore(lake).put(key, b"x"),
        lambda: LocalLakeStore(lake).get(key),
    ):
        with pytest.raises(ValueError, match="escapes the lake folder"):
            attempt()
    # Then nothing was written beside the lake
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"]
