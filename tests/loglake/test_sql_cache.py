"""Transpiled SQL kept between runs: used when it matches, rebuilt when it is damaged or stale, safe to share."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from loglake import sql_cache
from loglake.engine import LocalEngine
from loglake.query_engine import QueryError
from loglake.sql_cache import SqlCache
from loglake.views import VIEWS_DIR
from tests.support import ALL_LAMBDA_PAYLOADS, lambda_payloads_lake, load_payload

COUNT = "SELECT count(*) AS n FROM events"
# Runs `loglake sql` in a fresh process and says which heavy modules it imported (the last line)
PROBE = """
import json, sys
from loglake.cli import main
code = main(["sql", "--lake", sys.argv[1], "--format", "json", sys.argv[2]])
print(json.dumps({"code": code, "loaded": sorted(m for m in ("sqlglot", "pyarrow", "boto3") if m in sys.modules)}))
"""


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return lambda_payloads_lake(tmp_path_factory.mktemp("lake"))


def events() -> int:
    """Every log event of the payloads is one row (counted without the engine)."""
    return sum(len(load_payload(name)["logEvents"]) for name in ALL_LAMBDA_PAYLOADS)


def run_sql(lake: Path, cache_root: Path, query: str) -> tuple[list[dict[str, object]], list[str]]:
    env = {**os.environ, "LOGLAKE_CACHE": str(cache_root)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(lake), query], capture_output=True, text=True, env=env, check=True
    )
    *output, last = done.stdout.strip().splitlines()
    probe = json.loads(last)
    assert probe["code"] == 0, done.stderr
    return json.loads("\n".join(output)), probe["loaded"]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("views-*.json")) + sorted((folder / "statements").glob("*.json"))


def test_a_second_run_reads_the_cache_and_imports_no_sqlglot(lake: Path, tmp_path: Path) -> None:
    # When the same query runs twice in fresh processes sharing a cache
    first, loaded_first = run_sql(lake, tmp_path, COUNT)
    second, loaded_second = run_sql(lake, tmp_path, COUNT)
    # Then both answer alike; the first transpiled, the second needed neither sqlglot nor pyarrow
    assert first == second == [{"n": events()}]
    assert "sqlglot" in loaded_first
    assert loaded_second == []
    assert len(entries(tmp_path / "sql")) == 2


def test_the_answer_comes_from_the_cached_entry(lake: Path, tmp_path: Path) -> None:
    # Given a cached statement whose DuckDB text is replaced (its key left intact)
    LocalEngine(lake, cache=SqlCache(tmp_path)).query(COUNT)
    [path] = (tmp_path / "statements").glob("*.json")
    entry = json.loads(path.read_text())
    path.write_text(json.dumps(entry | {"duckdb": "SELECT 4242 AS n"}))
    # When another process-like cache (nothing in memory) runs the statement, Then the entry answers
    assert LocalEngine(lake, cache=SqlCache(tmp_path)).query(COUNT).rows == [(4242,)]


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # a write cut short
        lambda text: "\x00\xff garbage",
        lambda text: json.dumps({"format": 1}),  # no key
        lambda text: json.dumps(json.loads(text) | {"key": "0" * 64}),  # another entry's key
        lambda text: json.dumps(json.loads(text) | {"format": 999}),
        lambda text: json.dumps(json.loads(text) | {"views": [{"name": 3}], "query": "yes"}),  # wrong shapes
        lambda text: "[]",
    ],
    ids=["truncated", "garbage", "no-key", "other-key", "other-format", "wrong-shapes", "not-an-object"],
)
def test_a_damaged_entry_is_ignored_and_written_again(lake: Path, tmp_path: Path, damage: object) -> None:
    assert callable(damage)
    LocalEngine(lake, cache=SqlCache(tmp_path)).query(COUNT)
    before = {path: path.read_text() for path in entries(tmp_path)}
    for path, text in before.items():
        path.write_text(damage(text))
    # When a new cache reads the damaged entries
    assert LocalEngine(lake, cache=SqlCache(tmp_path)).query(COUNT).rows == [(events(),)]
    # Then the answer is right and every entry is whole again
    assert {path: path.read_text() for path in entries(tmp_path)} == before


def test_an_edited_view_is_transpiled_again(lake: Path, tmp_path: Path) -> None:
    views = tmp_path / "views"
    shutil.copytree(VIEWS_DIR, views)
    cache = tmp_path / "cache"
    query = "SELECT usd_per_request FROM lambda_pricing WHERE architecture = 'arm64'"
    assert LocalEngine(lake, views, cache=SqlCache(cache)).query(query).rows == [(0.20 / 1_000_000,)]
    pricing = views / "lambda_pricing.sql"
    pricing.write_text(
        pricing.read_text().replace("('arm64', 0.0000133334, 0.20, false)", "('arm64', 0.0000133334, 0.25, false)")
    )
    assert LocalEngine(lake, views, cache=SqlCache(cache)).query(query).rows == [(0.25 / 1_000_000,)]
    assert len(list(cache.glob("views-*.json"))) == 2  # one per version of the views


def test_a_statement_cached_by_a_writer_is_still_refused_read_only(lake: Path, tmp_path: Path) -> None:
    statement = "CREATE TABLE scratch AS SELECT 1 AS x"
    LocalEngine(lake, cache=SqlCache(tmp_path), allow_writes=True).query(statement)
    with pytest.raises(QueryError, match="read-only"):
        LocalEngine(lake, cache=SqlCache(tmp_path)).query(statement)


def test_a_cache_that_can_not_be_written_only_costs_time(lake: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert LocalEngine(lake, cache=SqlCache(blocked / "sql")).query(COUNT).rows == [(events(),)]


def test_old_entries_are_trimmed(lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_cache, "MAX_STATEMENTS", 6)
    monkeypatch.setattr(sql_cache, "MAX_VIEWS", 2)
    engine = LocalEngine(lake, cache=SqlCache(tmp_path / "cache"))
    for n in range(20):
        assert engine.query(f"SELECT {n} AS n").rows == [(n,)]
    assert 0 < len(list((tmp_path / "cache" / "statements").glob("*.json"))) <= 6
    views = tmp_path / "views"
    shutil.copytree(VIEWS_DIR, views)
    for n in range(5):  # five versions of the views
        (views / "extra.sql").write_text(f"CREATE OR REPLACE VIEW extra AS SELECT {n} AS n")
        assert LocalEngine(lake, views, cache=SqlCache(tmp_path / "cache")).query("SELECT n FROM extra").rows == [(n,)]
    assert 0 < len(list((tmp_path / "cache").glob("views-*.json"))) <= 2


def test_processes_sharing_a_cold_cache_all_answer_and_leave_it_whole(lake: Path, tmp_path: Path) -> None:
    # Given four processes started together on an empty cache, each running the same two queries
    queries = [COUNT, "SELECT count(*) AS n FROM lambda_cost_daily"]
    env = {**os.environ, "LOGLAKE_CACHE": str(tmp_path)}
    script = "import sys\nfrom loglake.cli import main\nfor q in sys.argv[2:]:\n    assert main(['sql', '--lake', sys.argv[1], '--format', 'json', q]) == 0\n"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(lake), *queries], stdout=subprocess.PIPE, env=env, text=True
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    # Then every process answered the same, and the cache holds whole entries only (no temporary left)
    assert all(run.returncode == 0 for run in runs)
    assert len(set(outputs)) == 1 and json.JSONDecoder().raw_decode(outputs[0])[0] == [{"n": events()}]
    folder = tmp_path / "sql"
    assert [p.name for p in folder.rglob(".*")] == []
    assert len(entries(folder)) == 3 and all(json.loads(p.read_text())["format"] == 1 for p in entries(folder))
