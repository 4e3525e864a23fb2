"""The local engine over sparse objects (a delivery's object leaves out its empty columns) answers
exactly as over the same rows written with every column: every view and every saved question."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from functions.parser.decode import decode_awslogs
from functions.parser.ingest import Ingestor
from functions.sinks.keys import object_key
from functions.sinks.s3_parquet import TABLE, LocalStore, encode_parquet, split_by_hour, write_batch
from loglake.engine import LocalEngine
from loglake.questions import Question, load_questions
from loglake.synth import generate
from loglake.views import ordered_views
from schemas.arrow import arrow_schema
from schemas.events import EVENTS

START_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z
COLUMNS = frozenset(arrow_schema(EVENTS).names)


def _lakes(root: Path, world: str) -> tuple[Path, Path]:
    """The same deliveries twice, one object per delivery and hour: sparse (write_batch) and full.

    world "mixed": Lambda and API Gateway log groups; "lambda": the Lambda ones only (so the API Gateway
    columns are in no sparse object at all).
    """
    dataset = generate(seed=5, start_ms=START_MS, hours=3, invocations_per_hour=120, max_events_per_delivery=100)
    sparse, full = root / "sparse", root / "full"
    ingestor = Ingestor(store=LocalStore(sparse), prefix="", region="eu-west-1", clock=lambda: START_MS)
    for delivery in dataset.deliveries:
        batch = decode_awslogs(delivery)
        if batch is None or (world == "lambda" and not batch.log_group.startswith("/aws/lambda/")):
            continue  # a control message (no events), or a group this world leaves out
        table = ingestor.prepare(batch)[0].table
        write_batch(ingestor.store, "", table, batch.identity)
        for partition, part in split_by_hour(table):  # every column, as objects were written before
            LocalStore(full).put(object_key("", TABLE, partition, batch.identity), encode_parquet(part))
    return sparse, full


@pytest.fixture(scope="module", params=["mixed", "lambda"])
def engines(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[LocalEngine, LocalEngine]:
    sparse, full = _lakes(tmp_path_factory.mktemp("lakes"), request.param)
    sparse_columns = [frozenset(pq.read_schema(p).names) for p in sorted(sparse.glob("events/*/*/*.parquet"))]
    full_columns = [frozenset(pq.read_schema(p).names) for p in sorted(full.glob("events/*/*/*.parquet"))]
    # the premise: the same objects, every full one has all columns, and sparse ones lack different ones
    assert len(sparse_columns) == len(full_columns) > 10
    assert all(columns == COLUMNS for columns in full_columns)
    assert len(set(sparse_columns)) > 1 and all(columns < COLUMNS for columns in sparse_columns)
    assert any("status_code" not in columns for columns in sparse_columns)
    if request.param == "mixed":  # API Gateway objects: no Lambda report columns
        assert any("duration_ms" not in columns for columns in sparse_columns)
    if request.param == "lambda":  # some column is in no sparse object at all
        assert {"status_code", "api_id"} <= COLUMNS - frozenset().union(*sparse_columns)
    return LocalEngine(sparse), LocalEngine(full)


def _canonical(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Rows in a stable order (a view has none of its own); floats to 12 digits (a sum's last bits follow
    the order DuckDB's threads add in, which differs run to run), NaN made comparable."""

    def value(v: object) -> object:
        if isinstance(v, float):
            return "NaN" if math.isnan(v) else float(f"{v:.12g}")
        return v

    return sorted((tuple(map(value, row)) for row in rows), key=repr)


@pytest.mark.parametrize("view", [v.name for v in ordered_views()])
def test_every_view_reads_the_same_rows_from_sparse_and_full_objects(
    engines: tuple[LocalEngine, LocalEngine], view: str
) -> None:
    sparse, full = engines
    query = f"SELECT * FROM {view}"
    got, want = sparse.query(query), full.query(query)
    assert got.columns == want.columns
    assert _canonical(got.rows) == _canonical(want.rows)


@pytest.mark.parametrize("question", load_questions(), ids=lambda q: q.name)
def test_every_question_has_the_same_answer_over_sparse_and_full_objects(
    engines: tuple[LocalEngine, LocalEngine], question: Question
) -> None:
    sparse, full = engines
    got, want = sparse.query(question.sql), full.query(question.sql)
    assert got.columns == want.columns
    assert _canonical(got.rows) == _canonical(want.rows)


def test_columns_no_object_has_read_as_typed_nulls(engines: tuple[LocalEngine, LocalEngine]) -> None:
    sparse, full = engines
    query = (
        "SELECT count(*), count(status_code), sum(status_code) + 1, count(api_id), max(latency_ms) * 2.0 "
        "FROM events WHERE source = 'lambda'"
    )
    got = sparse.query(query).rows
    assert got == full.query(query).rows
    assert got[0][0] > 0 and got[0][1:] == (0, None, 0, None)
