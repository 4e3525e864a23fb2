"""The CLI lists every command from one table and imports only the command it runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from loglake.cli import main
from loglake.commands import COMMANDS

_PROBE = """
import json, sys
from loglake.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("loglake.commands.", "boto3", "duckdb", "trino")))))
"""


def imported_by(*argv: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, check=True)
    loaded: set[str] = set(json.loads(done.stdout.strip().splitlines()[-1]))
    return loaded


def test_help_lists_every_command_and_imports_none() -> None:
    # When the top-level help is printed
    loaded = imported_by("--help")
    # Then no command module, no AWS SDK, no DuckDB and no Trino client was imported
    assert loaded == set()


def test_a_local_query_imports_its_command_only_and_no_aws_sdk() -> None:
    loaded = imported_by("sql", "--help")
    assert "loglake.commands.sql" in loaded and "loglake.commands.engines" in loaded
    assert not {m for m in loaded if m.startswith(("boto3", "trino", "loglake.commands.demo"))}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_registers_its_arguments(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    # When a command's own help is asked for
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    # Then it exits 0 with a usage line naming it
    assert done.value.code == 0
    assert f"usage: loglake {name}" in capsys.readouterr().out
