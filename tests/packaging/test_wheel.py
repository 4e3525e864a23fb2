"""The CLI from a built wheel, as a new user gets it: `pip install loglake-*.whl` into a fresh venv, then
`loglake demo` and a view query from a folder outside the checkout (no source tree on sys.path)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.wheel, pytest.mark.xdist_group("wheel")]
REPO = Path(__file__).resolve().parents[2]


def _build_wheel(out: Path) -> Path:
    """`pip wheel` of the checkout; setuptools' build/lib is emptied first, or a module deleted from the
    tree would still be copied into the wheel from an earlier build."""
    shutil.rmtree(REPO / "build" / "lib", ignore_errors=True)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)], cwd=REPO)
    (wheel,) = out.glob("loglake-*.whl")
    return wheel


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{cmd[:3]} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the built wheel (and the dependencies it declares) installed."""
    dist, env = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("venv")
    wheel = _build_wheel(dist)
    venv.create(env, with_pip=True)
    _run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=dist)
    return env


def test_the_wheel_carries_every_file_read_at_run_time(tmp_path: Path) -> None:
    # Given the package data in the source tree
    shipped = sorted(
        str(p.relative_to(REPO))
        for pattern in (
            "loglake/sql/**/*.sql",
            "loglake/nodes/*/*",
            "loglake/report/*.html",
            "loglake/report/*.css",
            "loglake/report/*.js",
            "subscription/*.yaml",
        )
        for p in REPO.glob(pattern)
    )
    assert len(shipped) > 30
    # When the wheel is built
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    # Then every one of them is in it
    assert [name for name in shipped if name not in names] == []


def test_demo_and_a_view_query_run_from_the_wheel_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    # Given loglake installed from its wheel and a folder that is not the checkout
    loglake = str(installed / "bin" / "loglake")
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([str(installed / "bin" / "python"), "-c", "import loglake; print(loglake.__file__)"], cwd=work)
    assert not where.stdout.strip().startswith(str(REPO))
    # When the demo runs there, small
    demo = _run([loglake, "demo", "--invocations-per-hour", "40", "--out", "out"], cwd=work)
    # Then it answered every saved question and wrote the report
    assert demo.stdout.count("## ") >= 15
    assert (work / "out" / "report.html").stat().st_size > 10_000
    # And a view query reads the lake it made
    rows = json.loads(
        _run(
            [
                loglake,
                "sql",
                "--lake",
                "out/lake",
                "--format",
                "json",
                "SELECT count(*) AS n, count(DISTINCT function_name) AS f FROM lambda_invocations",
            ],
            cwd=work,
        ).stdout
    )
    assert rows[0]["n"] > 24 * 40 * 0.5 and rows[0]["f"] >= 2
    # And a saved question too, one row per function that had a cold start
    cold = json.loads(_run([loglake, "ask", "--lake", "out/lake", "--format", "json", "cold_starts"], cwd=work).stdout)
    assert {"orders-api", "payments"} <= {row["function_name"] for row in cold}
