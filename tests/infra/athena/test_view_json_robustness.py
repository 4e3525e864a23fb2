"""One row whose `attributes` is not JSON (an older writer, a user redaction pattern that cut a string)
must not break a view that reads JSON: the row shows NULL fields, every other row its values."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from functions.parser.decode import decode_awslogs
from functions.parser.normalize import BatchContext, normalize
from functions.sinks.s3_parquet import LocalStore, write_batch
from loglake.engine import LocalEngine
from loglake.views import view_files
from tests.support import awslogs_event, load_payload

BROKEN = '{"service":"reports","password":"pa\\"ss'  # a string cut after an escaped quote


def json_views() -> list[Path]:
    return [path for path in view_files() if "json_extract" in path.read_text(encoding="utf-8").lower()]


@pytest.fixture
def lake_with_one_bad_row(tmp_path: Path) -> tuple[Path, str]:
    """The JSON-format payload in the lake, one of its application rows with malformed `attributes`."""
    batch = decode_awslogs(awslogs_event(load_payload("awslogs_json_format.json")))
    assert batch is not None
    table = normalize(batch, BatchContext(region="eu-west-1", ingest_time_ms=1_795_737_600_000)).table
    rows = table.to_pylist()
    bad = next(i for i, row in enumerate(rows) if row["record_type"] == "app" and row["attributes"])
    attributes = [BROKEN if i == bad else row["attributes"] for i, row in enumerate(rows)]
    index = table.schema.get_field_index("attributes")
    table = table.set_column(index, table.schema.field(index), pa.array(attributes, pa.string()))
    write_batch(LocalStore(tmp_path), "", table, batch.identity)
    return tmp_path, rows[bad]["event_id"]


def test_app_logs_survives_a_row_with_malformed_attributes(lake_with_one_bad_row: tuple[Path, str]) -> None:
    lake, bad_id = lake_with_one_bad_row
    engine = LocalEngine(lake)
    # Given each application row's service, read from its attributes here in Python (None when not JSON)
    expected: Counter[str | None] = Counter()
    for event_id, attributes in engine.query("SELECT event_id, attributes FROM events WHERE record_type = 'app'").rows:
        try:
            doc = json.loads(attributes or "{}")
        except ValueError:
            assert event_id == bad_id
            doc = {}
        expected[doc.get("service")] += 1
    assert expected[None] >= 1 and sum(n for service, n in expected.items() if service) >= 1
    # When the whole view is read
    rows = engine.query("SELECT * FROM app_logs").records()
    # Then it answers: every application row is there, the bad one with NULL fields, the others with theirs
    assert Counter(row["service"] for row in rows) == expected


@pytest.mark.parametrize("path", json_views(), ids=lambda p: p.stem)
def test_every_json_function_in_a_view_is_wrapped_in_try_on_trino(path: Path) -> None:
    # Given the view as Athena (Trino) parses it
    tree = sqlglot.parse_one(path.read_text(encoding="utf-8"), read="trino")
    calls = [node for node in tree.walk() if isinstance(node, exp.JSONExtract | exp.JSONExtractScalar)]
    # Then each JSON function sits inside TRY(...), which turns an error on one row into NULL
    assert calls
    for call in calls:
        assert call.find_ancestor(exp.Try) is not None, call.sql(dialect="trino")
