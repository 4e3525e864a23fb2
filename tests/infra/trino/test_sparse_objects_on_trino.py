"""A real Trino node (Hive connector, the tables `loglake trino setup` creates) reads a column a sparse
object leaves out as NULL, by name, whatever the object's own column order and count."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from functions.parser.decode import LogBatch, decode_awslogs
from functions.parser.ingest import Ingestor
from functions.sinks.keys import object_key
from functions.sinks.s3_parquet import TABLE, LocalStore, encode_parquet, split_by_hour, write_batch
from loglake.synth import generate
from schemas.arrow import arrow_schema
from schemas.events import EVENTS
from tests.trino_support import set_up_lake

pytestmark = pytest.mark.trino

START_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z
SCHEMA = arrow_schema(EVENTS)


def _batches() -> tuple[LogBatch, LogBatch, LogBatch]:
    """Two Lambda deliveries and one API Gateway delivery of the same hour."""
    dataset = generate(seed=4, start_ms=START_MS, hours=1, invocations_per_hour=60, max_events_per_delivery=100)
    batches = [b for b in map(decode_awslogs, dataset.deliveries) if b is not None]
    lam = [b for b in batches if b.log_group.startswith("/aws/lambda/")]
    api = [b for b in batches if not b.log_group.startswith("/aws/lambda/")]
    return lam[0], lam[1], api[0]


def _write(lake: Path, batches: list[LogBatch], sparse: list[bool]) -> pa.Table:
    """Each batch as one object, sparse or with every column; the rows written (every column)."""
    ingestor = Ingestor(store=LocalStore(lake), prefix="", region="eu-west-1", clock=lambda: START_MS)
    tables = []
    for batch, thin in zip(batches, sparse, strict=True):
        table = ingestor.prepare(batch)[0].table
        if thin:
            write_batch(ingestor.store, "", table, batch.identity)
        else:
            for partition, part in split_by_hour(table):
                ingestor.store.put(object_key("", TABLE, partition, batch.identity), encode_parquet(part))
        tables.append(table)
    return pa.concat_tables(tables)


@pytest.mark.parametrize("world", ["mixed", "lambda_only"])
def test_trino_reads_columns_a_sparse_object_lacks_as_null(trino_url: str, tmp_path: Path, world: str) -> None:
    # Given a lake of sparse objects (and, mixed, one object with every column), each lacking other columns
    lam_a, lam_b, api = _batches()
    lake = tmp_path / "lake"
    if world == "mixed":
        written = _write(lake, [lam_a, api, lam_b], sparse=[True, True, False])
    else:  # no object has an API Gateway column at all
        written = _write(lake, [lam_a, lam_b], sparse=[True, True])
    widths = {len(pq.read_schema(p)) for p in lake.glob("events/*/*/*.parquet")}
    assert min(widths) < len(SCHEMA)
    # When Trino reads every column of the objects through the table definition setup creates
    trino = set_up_lake(trino_url, f"sparse_{world}", lake)
    names = SCHEMA.names
    got = trino.query(f"SELECT {', '.join(names)} FROM events_objects")
    # Then every row is there with every value as written, and NULL where the object has no column
    assert got.columns == names
    want = written.cast(pa.schema([f.remove_metadata() for f in SCHEMA])).to_pylist()
    assert {row[0]: tuple(row) for row in got.rows} == {r["event_id"]: tuple(r[n] for n in names) for r in want}
    assert len(got.rows) == written.num_rows
    if world == "lambda_only":
        nulls = trino.query("SELECT count(*), count(status_code), count(api_id), count(latency_ms) FROM events_objects")
        assert nulls.rows == [(written.num_rows, 0, 0, 0)]
