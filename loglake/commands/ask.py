"""`loglake ask [NAME]`: run one of the saved questions of loglake/sql/questions (list them without NAME)."""

from __future__ import annotations

import argparse
import difflib

from loglake.commands.engines import add_engine_arguments, open_engine
from loglake.commands.errors import UsageError
from loglake.output import FORMATS, render
from loglake.questions import load_questions


def register(parser: argparse.ArgumentParser) -> None:
    add_engine_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("name", nargs="?", help="the question; without it, list the questions")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    questions = {q.name: q for q in load_questions()}
    if args.name is None:
        width = max(map(len, questions))
        for listed in questions.values():
            print(f"{listed.name:<{width}}  {listed.purpose}")
        return 0
    question = questions.get(args.name)
    if question is None:
        close = difflib.get_close_matches(args.name, list(questions), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `loglake ask` lists them"
        raise UsageError(f"no question {args.name!r}{hint}")
    result = open_engine(args).query(question.sql)
    if args.format == "table":
        print(f"## {question.name}: {question.purpose}")
    print(render(result, args.format))
    return 0
