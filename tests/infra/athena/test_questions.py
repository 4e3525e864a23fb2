"""The saved questions: each has a purpose, is valid Athena SQL and answers on the synthetic day."""

from __future__ import annotations

import pytest
import sqlglot

from loglake.engine import LocalEngine
from loglake.questions import Question, load_questions
from loglake.synth import FUNCTIONS
from tests.synthetic_world import World

QUESTIONS = load_questions()


def test_the_seed_questions_and_the_logs_insights_samples_are_all_there() -> None:
    names = {q.name for q in QUESTIONS}
    seed = {"duration_by_function", "errors_by_function", "deploy_comparison"}
    insights = {"overprovisioned_memory", "latency_5min", "top_billed", "memory_full", "cold_starts"}
    api = {"api_status", "api_top_paths", "api_slowest_requests", "api_recent_4xx"}
    assert seed | insights | api <= names
    assert len(names) == len(QUESTIONS)
    assert all(q.purpose and "\n" not in q.purpose for q in QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.name)
def test_each_question_is_athena_sql_and_answers_locally(question: Question, engine: LocalEngine) -> None:
    assert sqlglot.parse_one(question.sql, read="trino").key == "select"
    result = engine.query(question.sql)
    assert result.rows, "every question has an answer on a day of traffic"
    assert len(result.rows) <= 30, "questions stay short enough for `loglake demo`"


def test_the_deploy_question_shows_the_slowdown_of_the_deploy(world: World, engine: LocalEngine) -> None:
    sql = next(q.sql for q in QUESTIONS if q.name == "deploy_comparison")
    rows = {(r["function_name"], r["function_version"]): r for r in engine.query(sql).records()}
    for spec in FUNCTIONS:
        if len(spec.versions) == 2:
            before, after = (
                [
                    i.duration_ms
                    for i in world.dataset.invocations
                    if (i.function_name, i.function_version) == (spec.name, v)
                ]
                for v in spec.versions
            )
            change = 100 * ((sum(after) / len(after)) / (sum(before) / len(before)) - 1)
            assert rows[(spec.name, spec.versions[1])]["avg_change_pct"] == pytest.approx(change, abs=0.1)
