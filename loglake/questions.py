"""Saved questions: Athena SQL files under loglake/sql/questions, each headed by `-- purpose: ...`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from loglake.resources import package_dir

QUESTIONS_DIR = package_dir("sql", "questions")
_PURPOSE = re.compile(r"^--\s*purpose:\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Question:
    name: str
    purpose: str
    sql: str


def load_questions(directory: Path = QUESTIONS_DIR) -> list[Question]:
    questions = []
    for path in sorted(directory.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        match = _PURPOSE.search(sql)
        if not match:
            raise ValueError(f"{path}: the first line must be '-- purpose: <one line>'")
        name = re.sub(r"^\d+_", "", path.stem)
        questions.append(Question(name, match.group(1).strip(), sql))
    return questions
