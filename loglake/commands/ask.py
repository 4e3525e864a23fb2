"""`loglake ask [NAME]`: run one of the saved questions of loglake/sql/questions (list them without NAME)."""

from __future__ import annotations

import argparse
import difflib
import sys

from loglake.commands.engines import add_engine_arguments, engine_errors, open_engine
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
        print(f"loglake ask: no question {args.name!r}{hint}", file=sys.stderr)
        return 2
    try:
        result = open_engine(args).query(question.sql)
    except engine_errors() as exc:
        print(f"loglake ask: {exc}", file=sys.stderr)
        return 2
    if args.format == "table":
        print(f"## {question.name}: {question.purpose}")
    print(render(result, args.format))
    return 0
