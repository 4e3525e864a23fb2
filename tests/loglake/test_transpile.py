"""Athena SQL to DuckDB, typed by the real schema: `/` divides as integers only when both operands are integers."""

from __future__ import annotations

import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from loglake.engine import LocalEngine
from loglake.sql_cache import SqlCache
from loglake.transpile import compile_views, to_duckdb
from loglake.views import VIEWS_DIR, ordered_views
from schemas.events import EVENTS
from schemas.trino import trino_type
from tests.support import lambda_payloads_lake

# A view whose `memory_size_mb` is a double, while the column of that name is an integer everywhere else
AVERAGES = """CREATE OR REPLACE VIEW memory_by_function AS
SELECT function_name, avg(memory_size_mb) AS memory_size_mb
FROM lambda_invocations
GROUP BY function_name
"""


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lambda_payloads_lake(tmp_path_factory.mktemp("lake"))


@pytest.fixture(scope="module")
def views_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("views")
    for path in VIEWS_DIR.glob("*.sql"):
        shutil.copy(path, folder / path.name)
    (folder / "memory_by_function.sql").write_text(AVERAGES, encoding="utf-8")
    return folder


def report_memory(lake: Path) -> dict[str, list[int]]:
    """Each function's configured memory, one value per REPORT line, read from the Parquet objects."""
    found: dict[str, list[int]] = defaultdict(list)
    for path in lake.glob("events/dt=*/hour=*/*.parquet"):
        for row in pq.read_table(path, partitioning=None).to_pylist():
            if row["record_type"] == "report" and row["source"] == "lambda":
                found[row["function_name"]].append(row["memory_size_mb"])
    return found


def test_a_name_integer_in_one_table_and_double_in_another_view_divides_by_its_own_type(
    lake: Path, views_dir: Path
) -> None:
    # Given `memory_size_mb`: an integer in lambda_invocations, a double (an average) in memory_by_function
    engine = LocalEngine(lake, views_dir, cache=SqlCache())
    memory = report_memory(lake)
    assert memory and any(sum(v) % (100 * len(v)) for v in memory.values())  # some divisions leave a remainder
    # When each is divided by 100
    averaged = engine.query("SELECT function_name, memory_size_mb / 100 FROM memory_by_function ORDER BY 1").rows
    integers = engine.query(
        "SELECT function_name, max(memory_size_mb) / 100 FROM lambda_invocations GROUP BY 1 ORDER BY 1"
    ).rows
    # Then the average divides as a double, the integer column as integers (Trino truncates)
    assert averaged == [(f, pytest.approx(sum(v) / len(v) / 100)) for f, v in sorted(memory.items())]
    assert integers == [(f, int(max(v) / 100)) for f, v in sorted(memory.items())]


def test_a_column_shadowed_by_a_double_in_a_subquery_divides_as_a_double(lake: Path) -> None:
    engine = LocalEngine(lake, cache=SqlCache())
    memory = report_memory(lake)
    rows = engine.query(
        "WITH m AS (SELECT function_name, CAST(memory_size_mb AS double) AS memory_size_mb FROM lambda_invocations) "
        "SELECT function_name, max(memory_size_mb) / 100 FROM m GROUP BY 1 ORDER BY 1"
    ).rows
    assert rows == [(f, pytest.approx(max(v) / 100)) for f, v in sorted(memory.items())]


def test_literals_divide_as_trino_types_them(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path, cache=SqlCache())
    # integers truncate toward zero; a double literal divides exactly; 7.0 is a decimal on Trino
    row = engine.query("SELECT 7 / 2, -7 / 2, 7 / 2e0, 7.0 / 2, 1 / 3").rows[0]
    assert row == (int(7 / 2), int(-7 / 2), 7 / 2, Decimal("3.5"), int(1 / 3))
    assert isinstance(row[0], int) and isinstance(row[2], float)


def test_a_cast_sets_the_operand_type(tmp_path: Path) -> None:
    engine = LocalEngine(tmp_path, cache=SqlCache())
    i, d, x = 7, 9.4, 9.6
    row = engine.query(
        f"SELECT CAST(i AS double) / 2, CAST(d AS bigint) / 2, CAST(x AS integer) / 2, i / 2 "
        f"FROM (VALUES ({i}, {d}e0, {x}e0)) AS t (i, d, x)"
    ).rows[0]
    # Trino's CAST of a double to an integer rounds (9.4 -> 9, 9.6 -> 10)
    assert row == (pytest.approx(i / 2), int(round(d) / 2), int(round(x) / 2), int(i / 2))


def test_what_can_not_be_typed_keeps_duckdb_division() -> None:
    # an unknown table's column has no type: nothing says both sides are integers
    assert "//" not in to_duckdb("SELECT x / 2 FROM somewhere_else")
    assert "//" in to_duckdb("SELECT hour / 2 FROM events_objects")


def test_views_are_typed_from_the_schema_and_the_views_they_read(views_dir: Path) -> None:
    views = {v.name: v for v in compile_views(ordered_views(views_dir))}
    for name in ("memory_size_mb", "duration_ms", "billed_duration_ms", "function_name"):
        assert views["lambda_invocations"].columns[name] == trino_type(EVENTS.column(name).kind).upper()
    assert views["memory_by_function"].columns["memory_size_mb"] == "DOUBLE"
    assert all(not v.error for v in views.values())
