"""`loglake report --lake DIR --out report.html`: charts of the views in one self-contained HTML file."""

from __future__ import annotations

import argparse
from pathlib import Path

from loglake.commands.engines import add_engine_arguments, engine_source, open_engine
from loglake.report import write_report


def register(parser: argparse.ArgumentParser) -> None:
    add_engine_arguments(parser)
    parser.add_argument("--out", type=Path, default=Path("report.html"), help="the HTML file to write")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    source = engine_source(args)
    path = write_report(open_engine(args), source, args.out)
    print(f"report written to {path}")
    return 0
