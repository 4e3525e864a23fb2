"""`loglake trino setup`, then `sql | ask | report --engine trino`, through the CLI, on the session's Trino node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loglake.cli import main
from tests.functions.compactor.lake_support import build_seed

pytestmark = pytest.mark.trino


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seed(tmp_path_factory.mktemp("trino-cli") / "lake", hours=2).root


@pytest.fixture(scope="module")
def server(trino_url: str, lake: Path) -> str:
    assert main(["trino", "setup", "--server", trino_url, "--schema", "cli", "--location", str(lake)]) == 0
    return trino_url


def answer(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(argv) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def test_setup_is_idempotent_and_says_what_it_made(server: str, lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["trino", "setup", "--server", server, "--schema", "cli", "--location", str(lake)]) == 0
    assert "hive.cli, tables events_objects and events_commits, 14 views" in capsys.readouterr().out


def test_ask_on_trino_gives_the_local_answer(server: str, lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trino = ["--engine", "trino", "--server", server, "--schema", "cli", "--format", "json"]
    for question in ("errors_by_function", "top_billed", "api_recent_4xx"):  # no avg() rounded on a ...5 tie
        remote = answer(capsys, ["ask", *trino, question])
        assert remote and remote == answer(capsys, ["ask", "--lake", str(lake), "--format", "json", question])


def test_sql_on_trino_is_typed_and_sees_new_hours_after_a_sync(
    server: str, lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trino = ["--engine", "trino", "--server", server, "--schema", "cli", "--format", "json"]
    query = "SELECT count(*) AS n, max(hour) AS last_hour FROM events"
    before = answer(capsys, ["sql", *trino, query])
    assert before == answer(capsys, ["sql", "--lake", str(lake), "--format", "json", query])
    # When an hour is written after setup, `trino sync` registers it
    hour = lake / "events" / "dt=2026-11-27" / "hour=07"
    hour.mkdir()
    for source in sorted((lake / "events" / "dt=2026-11-27" / "hour=00").glob("*.parquet"))[:2]:
        (hour / source.name).write_bytes(source.read_bytes())
    assert main(["trino", "sync", "--server", server, "--schema", "cli"]) == 0
    after = answer(capsys, ["sql", *trino, query])
    assert after == answer(capsys, ["sql", "--lake", str(lake), "--format", "json", query])
    assert after[0]["n"] > before[0]["n"] and after[0]["last_hour"] == 7


def test_report_on_trino(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--engine", "trino", "--server", server, "--schema", "cli", "--out", str(out)]) == 0
    assert f"Trino {server} hive.cli" in out.read_text(encoding="utf-8")


def test_failures_are_clear_errors(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["sql", "--engine", "trino", "--server", server, "--schema", "cli", "SELECT * FROM nowhere"]) == 1
    assert "TABLE_NOT_FOUND" in capsys.readouterr().err
    assert main(["ask", "--engine", "trino", "errors_by_function"]) == 2
    assert "--engine trino needs --server" in capsys.readouterr().err
