"""A real Trino node for the suite (registered in tests/conftest.py): Trino 476 with the Hive connector.

The node starts once per session, on first use, from what `loglake/nodes/trino/pom.xml` fetches into `.cache/trino`
(Maven, first run only; Java 24+ runs it). If it cannot start, every test that needs it fails with the
reason — nothing is skipped. Each lake gets its own schema, so tests never see each other's tables.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from loglake.local_nodes import NodeError
from loglake.trino import Target, Trino, connect
from loglake.trino_node import CATALOG, LocalTrino
from loglake.trino_setup import ensure_local_folders, run_statements, statements
from loglake.views import ordered_views


@pytest.fixture(scope="session")
def trino_url() -> Iterator[str]:
    node = LocalTrino()
    try:
        url = node.start()
    except NodeError as error:
        pytest.fail(f"the local Trino node could not start (Maven + Java 24+ needed): {error}", pytrace=False)
    yield url
    node.stop()


def trino_for(url: str, schema: str) -> Trino:
    target = Target(url, CATALOG, schema)
    return Trino(connect(target), target, progress=io.StringIO())


def set_up_lake(url: str, schema: str, lake: Path) -> Trino:
    """The lake's tables, partitions and views in `schema`, by the same plan `loglake trino setup` runs."""
    ensure_local_folders(str(lake))
    trino = trino_for(url, schema)
    run_statements(trino, statements(CATALOG, schema, str(lake), ordered_views()), lambda _: None)
    return trino
