"""The two engines the CloudWatch-query commands' tests run on: the local lake (DuckDB) and the real Trino node.

A module's `engine` fixture is parametrized over `ENGINES`; `engine_args` gives the CLI arguments that
point a command at the module's lake on that engine. On Trino the lake is set up once per module, in
its own schema, by the plan `loglake trino setup` runs, and the command runs with `--engine trino`.
A module's long case table runs on Trino as one statement through `loglake sql` (`run_batch`: each
case's own SQL, the very text the command would send, tagged with its index), since every round trip
to the node costs about a second on a loaded machine; the DuckDB cases run the command itself.
The Trino cases carry the `trino` marker and the node's xdist group themselves: the node is asked for
only when such a case runs (the conftest's automatic marking sees only fixtures named statically).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from loglake.cli import main
from tests.trino_support import set_up_lake

ENGINES = [
    pytest.param("duckdb", id="duckdb"),
    pytest.param("trino", id="trino", marks=[pytest.mark.trino, pytest.mark.xdist_group("trino")]),
]


def engine_args(request: pytest.FixtureRequest, engine: str, lake: Path, schema: str) -> list[str]:
    """`--lake DIR`, or `--engine trino --server URL --schema S` after setting the lake up in schema `S`."""
    if engine == "duckdb":
        return ["--lake", str(lake)]
    url: str = request.getfixturevalue("trino_url")
    set_up_lake(url, schema, lake)
    return ["--engine", "trino", "--server", url, "--schema", schema]


def batched_sql(queries: list[str], columns: list[str], order: list[str]) -> str:
    """One statement answering every query: each one's `columns`, tagged with its index (`case_no`), in `order`."""
    picked = ", ".join(f'"{column}"' for column in columns)
    parts = [f"SELECT {i} AS case_no, {picked} FROM ({sql}) AS q{i}" for i, sql in enumerate(queries)]
    by = ", ".join(["case_no", *(f'"{column}"' for column in order)])
    return " UNION ALL ".join(parts) + f" ORDER BY {by}"


def run_batch(on: list[str], queries: list[str], columns: list[str], order: list[str]) -> list[list[dict[str, Any]]]:
    """Every query's rows, from one `loglake sql` run through the CLI (one Trino round trip, not one per case)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["sql", *on, "--format", "json", batched_sql(queries, columns, order)])
    assert code == 0, err.getvalue()
    answers: list[list[dict[str, Any]]] = [[] for _ in queries]
    for row in json.loads(out.getvalue()):
        answers[row.pop("case_no")].append(row)
    return answers
