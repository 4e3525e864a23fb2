"""Fixtures shared across the suite, and the tiers: a test that uses a node, a browser, the packaged
stack or a built wheel is marked so (`make unit` runs the rest, without Java or Chromium)."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.aws_fakes", "tests.opensearch_support", "tests.trino_support"]

# fixture a test uses -> the marker it gets; with xdist (`--dist loadgroup`) each group runs on one
# worker, so the session's single node (or the packaged template) is started once, not once per worker
NEEDS = {"opensearch_url": "opensearch", "trino_url": "trino", "chromium": "browser", "template": "stack"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in NEEDS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(getattr(pytest.mark, marker))
                item.add_marker(pytest.mark.xdist_group(marker))


@pytest.fixture(autouse=True)
def _sql_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """`loglake sql` and the other commands keep transpiled SQL in this session's own folder, not the user's."""
    folder = tmp_path_factory.getbasetemp() / "sql-cache"
    monkeypatch.setattr("loglake.sql_cache.default_folder", lambda: folder)
