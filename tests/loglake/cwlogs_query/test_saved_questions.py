"""The saved Insights questions: their files match their queries, and `ask` answers as `insights` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loglake.cli import main
from loglake.cwlogs_query.saved_questions import SAVED, SavedInsights
from loglake.questions import QUESTIONS_DIR, load_questions
from tests.loglake.cwlogs_query.doc_lake import ingest
from tests.support import ALL_LAMBDA_PAYLOADS, load_payload


@pytest.mark.parametrize("saved", SAVED, ids=lambda s: s.file)
def test_each_file_is_the_translation_of_its_query(saved: SavedInsights) -> None:
    on_disk = (QUESTIONS_DIR / saved.file).read_text(encoding="utf-8")
    assert on_disk == saved.render(), "run: python -m loglake.cwlogs_query.saved_questions"


def test_the_seeds_query_and_the_lambda_samples_are_saved_questions() -> None:
    names = {q.name for q in load_questions()}
    assert {"insights_seed_recent_info", "insights_latency_5min", "insights_overprovisioned_memory"} <= names
    assert "insights_recent_errors" in names


def test_ask_answers_as_insights_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lake = tmp_path / "lake"
    ingest(lake, [load_payload(name) for name in ALL_LAMBDA_PAYLOADS])
    capsys.readouterr()
    for saved in SAVED:
        name = saved.file.removesuffix(".sql").split("_", 1)[1]
        assert main(["ask", "--lake", str(lake), "--format", "json", name]) == 0
        asked = json.loads(capsys.readouterr().out)
        assert main(["insights", "--lake", str(lake), "--format", "json", saved.query]) == 0
        assert asked == json.loads(capsys.readouterr().out)
        assert asked, f"{name} answers on the fixtures"
