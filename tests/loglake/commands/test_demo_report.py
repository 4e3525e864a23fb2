"""`loglake demo` answers the saved questions and writes the HTML report."""

from __future__ import annotations

from pathlib import Path

import pytest

from loglake.cli import main
from loglake.questions import load_questions


def test_the_demo_prints_every_question_and_the_report_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path), "--invocations-per-hour", "60"]) == 0
    out = capsys.readouterr().out
    for question in load_questions():
        assert f"## {question.name}: {question.purpose}" in out
    report = tmp_path / "report.html"
    assert f"Report with charts: {report}" in out
    assert report.read_text(encoding="utf-8").count('<svg class="chart"') >= 10
