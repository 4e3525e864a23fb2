"""`loglake ask`: the saved questions on the local lake."""

from __future__ import annotations

from pathlib import Path

import pytest

from loglake.cli import main
from loglake.local_ingest import ingest_events, local_ingestor
from loglake.questions import load_questions
from tests.support import ALL_LAMBDA_PAYLOADS, awslogs_event, load_payload


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ask-lake")
    ingest_events(
        iter([awslogs_event(load_payload(name)) for name in ALL_LAMBDA_PAYLOADS]), local_ingestor(root, "eu-west-1")
    )
    return root


def test_without_a_name_it_lists_every_question_with_its_purpose(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(load_questions())
    assert any(line.startswith("deploy_comparison ") and "deploy" in line for line in lines)


def test_a_question_is_answered_on_the_lake(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--lake", str(lake), "errors_by_function"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## errors_by_function: How often do they fail?")
    assert "orders-api" in out and "(4 rows)" in out


def test_a_misspelt_question_suggests_the_right_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--lake", ".", "deploy_comparisn"]) == 2
    assert "did you mean deploy_comparison?" in capsys.readouterr().err


def test_local_questions_need_a_lake(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "cost"]) == 2
    assert "--lake" in capsys.readouterr().err
