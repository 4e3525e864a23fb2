"""Athena SQL on DuckDB: the events table over the lake, the real view files, Trino functions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot

from functions.sinks.s3_parquet import LocalStore
from loglake.engine import LocalEngine, QueryError
from loglake.transpile import to_duckdb
from loglake.views import view_files
from tests.support import ALL_LAMBDA_PAYLOADS, lambda_payloads_lake, load_payload


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lambda_payloads_lake(tmp_path_factory.mktemp("lake"))


def test_events_table_has_partitions_and_every_row(lake: Path) -> None:
    result = LocalEngine(lake).query("SELECT dt, hour, count(*) AS n FROM events GROUP BY dt, hour")
    expected = sum(len(load_payload(name)["logEvents"]) for name in ALL_LAMBDA_PAYLOADS)
    assert result.rows == [("2026-11-27", 5, expected)]


def test_lambda_invocations_view_has_one_row_per_invocation(lake: Path) -> None:
    result = LocalEngine(lake).query(
        "SELECT function_name, function_version, request_id, duration_ms, billed_duration_ms, memory_size_mb, "
        "max_memory_used_mb, init_duration_ms, cold_start, status, error_type FROM lambda_invocations "
        "ORDER BY function_name, request_id"
    )
    assert result.rows == [
        (
            "orders-api",
            "7",
            "a0c9ec80-9b8b-409e-8b92-4a4c006c15c1",
            3000.0,
            3000,
            128,
            128,
            None,
            False,
            "timeout",
            "Sandbox.Timedout",
        ),
        (
            "orders-api",
            "7",
            "d1527f2e-75d1-404c-856f-b42bbda5d90b",
            10.52,
            11,
            128,
            56,
            114.87,
            True,
            "error",
            "KeyError",
        ),
        (
            "payments",
            "$LATEST",
            "3f1c5e2a-1b2c-4d5e-8f90-123456789abc",
            48.11,
            49,
            256,
            91,
            None,
            False,
            "error",
            "Runtime.UnhandledPromiseRejection",
        ),
        (
            "report-builder",
            "3",
            "5b7e1c2d-3e4f-4a5b-8c9d-0e1f2a3b4c5d",
            31.5,
            32,
            512,
            95,
            198.3,
            True,
            "error",
            "FileNotFoundError",
        ),
        (
            "thumbnailer",
            "12",
            "8a1f8b1c-2d3e-4f50-9a6b-7c8d9e0f1a2b",
            40.2,
            41,
            1024,
            180,
            None,
            True,
            "success",
            None,
        ),
    ]


def test_athena_functions_work_locally(lake: Path) -> None:
    result = LocalEngine(lake).query(
        "SELECT count_if(status <> 'success') AS failed, approx_percentile(duration_ms, 0.5) AS p50, "
        "date_trunc('hour', min(event_time)) AS first_hour, "
        "date_format(min(event_time), '%Y-%m-%d %H:%i') AS first_minute FROM lambda_invocations"
    )
    failed, p50, first_hour, first_minute = result.rows[0]
    assert failed == 4
    assert p50 == pytest.approx(40.2, rel=0.05)
    assert first_hour.isoformat() == "2026-11-27T05:00:00"
    assert first_minute == "2026-11-27 05:09"


def test_empty_lake_still_has_the_table_and_views(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path)
    assert engine.query("SELECT count(*) FROM events").rows == [(0,)]
    assert engine.query("SELECT count(*) FROM lambda_invocations").rows == [(0,)]


def test_half_written_files_are_not_read(lake: Path, tmp_path: Path) -> None:
    store = LocalStore(lake)
    (lake / "events" / "dt=2026-11-27" / "hour=05" / ".garbage.tmp").write_bytes(b"partial")
    assert LocalEngine(store.root).query("SELECT count(*) FROM events").rows[0][0] > 0


def test_bad_sql_is_a_clear_error(lake: Path) -> None:
    with pytest.raises(QueryError):
        LocalEngine(lake).query("SELEC nothing")
    with pytest.raises(QueryError, match="one SQL statement"):
        to_duckdb("SELECT 1; SELECT 2")


@pytest.mark.parametrize("path", view_files(), ids=lambda p: p.name)
def test_every_view_is_valid_trino(path: Path) -> None:
    parsed = sqlglot.parse_one(path.read_text(encoding="utf-8"), read="trino")
    assert parsed.key == "create" and parsed.args["kind"] == "VIEW"


def test_integer_division_keeps_trino_semantics(lake: Path) -> None:
    engine = LocalEngine(lake)
    rows = engine.query(
        "SELECT 7 / 2 AS lit, max(memory_size_mb) / 100 AS col, max(duration_ms) / 1000 AS dbl FROM lambda_invocations"
    ).rows
    assert rows[0][0] == 3 and rows[0][1] == 10
    assert rows[0][2] == pytest.approx(3.0)


@pytest.mark.parametrize("thin", ["first", "last"])
def test_an_object_without_some_columns_reads_as_nulls_wherever_it_lies(lake: Path, tmp_path: Path, thin: str) -> None:
    # Given a copy of the lake plus one object that lacks most columns (as an older or sparse writer
    # would leave it), named to sort first or last among the lake's objects
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = tmp_path / "lake"
    shutil.copytree(lake, copy)
    objects = sorted(copy.glob("events/dt=*/hour=*/*.parquet"))
    tables = [pq.read_table(path, partitioning=None) for path in objects]
    name = ("0" if thin == "first" else "z") + "-thin.parquet"
    pq.write_table(
        pa.table({"event_id": ["thin-1", "thin-2"], "message": ["a", "b"], "record_type": ["app", "app"]}),
        objects[0].parent / name,
    )
    # When every row is counted and the missing columns are read
    result = LocalEngine(copy).query(
        "SELECT count(*), count(request_id), count_if(event_id LIKE 'thin-%' AND request_id IS NULL) FROM events"
    )
    # Then the thin object's rows are there, with NULL where it has no column
    rows = sum(t.num_rows for t in tables)
    with_request_id = sum(len(t.column("request_id").drop_null()) for t in tables)
    assert result.rows == [(rows + 2, with_request_id, 2)]


def test_a_query_creates_only_the_views_it_reads(lake: Path) -> None:
    # Given a fresh engine
    engine = LocalEngine(lake)
    # When one view is queried
    engine.query("SELECT count(*) FROM lambda_cost_daily")
    # Then it exists with what it reads, and an unrelated view was not created
    names = {row[0] for row in engine.con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {"lambda_cost_daily", "lambda_invocation_costs", "lambda_invocations", "lambda_pricing", "events"} <= names
    assert "apigw_hourly" not in names


def _values(sql_list: list[float]) -> str:
    return "(VALUES " + ", ".join(f"({v!r})" for v in sql_list) + ") AS t (x)"


def test_decimal_literals_divide_as_decimals_as_on_trino(tmp_path: Path) -> None:
    # Given 1 failure in 59 (Trino types 100.0 as DECIMAL(4,1): 100.0 * 1 / 59 is 1.7 there, not 1.69)
    engine = LocalEngine(tmp_path)
    sql = (
        "SELECT round(100.0 * count_if(x = 1) / count(*), 2), 1.25 / 2, -7.0 / 2, 2.5 * 3 / 4, 100.0e0 * 1 / 59 "
        "FROM (SELECT CASE WHEN n = 0 THEN 1 ELSE 0 END AS x FROM UNNEST(sequence(0, 58)) AS s (n))"
    )
    # When it runs locally
    pct, quarter, negative, scaled, double = engine.query(sql).rows[0]
    # Then decimals keep the larger scale and round half away from zero; a double stays a double
    assert pct == Decimal("1.7")  # 1.6949... at scale 1
    assert quarter == Decimal("0.63")  # 0.625 at scale 2
    assert negative == Decimal("-3.5")
    assert scaled == Decimal("1.9")  # 7.5 / 4 = 1.875 at scale 1
    assert double == pytest.approx(100 / 59)


@pytest.mark.parametrize(
    ("values", "q"),
    [([5.0, 1.0, 3.0, 2.0], 0.5), (list(map(float, range(1, 21))), 0.95), ([301.0, 12.0, 463.7, 8.5, 77.0], 0.9)],
)
def test_approx_percentile_is_the_value_trino_picks_on_small_groups(
    tmp_path: Path, values: list[float], q: float
) -> None:
    # Given a small group: Trino's digest keeps every value and answers with the one at rank floor(q x n)
    expected = sorted(values)[min(len(values) - 1, int(q * len(values)))]
    # When the local engine computes approx_percentile
    got = (
        LocalEngine(tmp_path)
        .query(f"SELECT approx_percentile(CAST(x AS double), {q}) FROM {_values(values)}")
        .rows[0][0]
    )
    # Then it is that very value, not an interpolation
    assert got == expected


def test_approx_percentile_ignores_nulls_and_is_null_on_an_empty_group(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path)
    rows = engine.query(
        "SELECT g, approx_percentile(x, 0.5) FROM (VALUES ('a', 1.0), ('a', NULL), ('a', 9.0), ('b', NULL)) "
        "AS t (g, x) GROUP BY g ORDER BY g"
    ).rows
    assert rows == [("a", 9.0), ("b", None)]
