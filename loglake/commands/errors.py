"""The CLI's one error convention, applied around every command by `loglake.cli.main`:

- a usage error (argparse's own, `UsageError`, a malformed filter pattern or Insights query, a setup
  argument or a rules file refused) → exit 2;
- an expected failure (a query that fails, an unreadable input, AWS refusing, a missing file, a node
  that won't start…) → exit 1;
- either way one line on stderr naming the command (`loglake sql: …`), and no traceback: a traceback
  means a bug. Ctrl-C → 130; a closed pipe (`| head`) → 0.

Commands raise; they don't print their own errors. The classes are gathered only when something was
raised, so a command never imports boto3 or a query client for their sake.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

USAGE, FAILURE = 2, 1
# the attribute each command with actions (`loglake athena setup`) stores its action in
ACTION_ATTRIBUTES = ("action", "groups_command", "opensearch_command", "trino_command")


class UsageError(Exception):
    """An invocation argparse could not reject by itself (e.g. `--engine athena` without `--database`)."""


def usage_errors() -> tuple[type[BaseException], ...]:
    from loglake.cwlogs_query.errors import QuerySyntaxError
    from loglake.setup_plan import SetupError  # athena/trino setup: a name or location refused
    from subscription.rules_loader import RulesError  # a rules file refused, naming its line

    return (UsageError, QuerySyntaxError, RulesError, SetupError)


def expected_failures() -> tuple[type[BaseException], ...]:
    from botocore.exceptions import BotoCoreError, ClientError  # NoCredentialsError is a BotoCoreError
    from opensearchpy.exceptions import OpenSearchException

    from functions.backfill.reader import BackfillError
    from functions.env_settings import SettingsError
    from functions.parser.decode import DecodeError
    from functions.parser.redact import RedactionError
    from functions.sinks.opensearch_auth import AuthError
    from loglake import athena, trino
    from loglake.local_ingest import InputError
    from loglake.local_nodes import NodeError
    from loglake.query_engine import QueryError
    from loglake.views import ViewError

    return (
        QueryError,
        athena.AthenaError,
        trino.TrinoError,
        ViewError,
        NodeError,
        DecodeError,
        InputError,
        RedactionError,
        SettingsError,
        AuthError,
        BackfillError,
        BotoCoreError,
        ClientError,
        OpenSearchException,
        OSError,
    )


def command_name(args: argparse.Namespace) -> str:
    """`loglake sql`, `loglake athena setup`: how the message names what was run."""
    words = ["loglake", str(getattr(args, "command", "") or "")]
    words += [str(getattr(args, a)) for a in ACTION_ATTRIBUTES if getattr(args, a, None)]
    return " ".join(w for w in words if w)


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text


def run_command(args: argparse.Namespace, err: TextIO | None = None) -> int:
    """Runs `args.run(args)` under the convention above; returns the exit code."""
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:
        if isinstance(error, usage_errors()):
            code = USAGE
        elif isinstance(error, expected_failures()):
            code = FAILURE
        else:
            raise
        print(f"{command_name(args)}: {one_line(error)}", file=err or sys.stderr)
        return code
