"""The view files in the order Athena can create them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loglake.views import ViewError, ordered_views, view_files


def references(sql: str) -> set[str]:
    """Names after FROM / JOIN, read with a regular expression (independently of sqlglot)."""
    return set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", sql, flags=re.IGNORECASE))


def test_every_view_comes_after_the_views_it_reads() -> None:
    views = ordered_views()
    names = [v.name for v in views]
    assert sorted(names) == sorted(p.stem for p in view_files())
    for position, view in enumerate(views):
        for used in references(view.sql) & set(names):
            assert names.index(used) < position, f"{view.name} reads {used} before it exists"
    assert names.index("lambda_invocation_costs") > names.index("lambda_pricing")


def test_views_that_read_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("CREATE OR REPLACE VIEW a AS SELECT * FROM b")
    (tmp_path / "b.sql").write_text("CREATE OR REPLACE VIEW b AS SELECT * FROM a")
    with pytest.raises(ViewError, match="cycle"):
        ordered_views(tmp_path)


def test_a_file_that_is_not_a_view_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.sql").write_text("SELECT 1")
    with pytest.raises(ViewError, match="CREATE VIEW"):
        ordered_views(tmp_path)
