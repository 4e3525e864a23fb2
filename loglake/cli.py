"""The `loglake` command line: each sub-command lives in its own module and registers itself here."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from loglake.commands import COMMANDS


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Every command is listed; only the one `argv` names (all of them when `argv` is None) is imported
    and given its arguments."""
    parser = argparse.ArgumentParser(
        prog="loglake", description="Serverless log analytics: CloudWatch Logs into a Parquet lake."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = None if argv is None else next((a for a in argv if not a.startswith("-")), "")
    for name, (module, summary) in COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=summary)
        if chosen is None or name == chosen:
            importlib.import_module(f"loglake.commands.{module}").register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    from loglake.commands.errors import run_command  # after parsing: `--help` imports no command module

    return run_command(args)  # exit codes and error messages: loglake/commands/errors.py


if __name__ == "__main__":
    sys.exit(main())
