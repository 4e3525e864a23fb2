"""One synthetic day ingested into a lake, shared by the view and question tests of this folder."""

from __future__ import annotations

import pytest

from loglake.engine import LocalEngine
from tests.synthetic_world import World, build_world


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("athena-views"))


@pytest.fixture(scope="session")
def engine(world: World) -> LocalEngine:
    return LocalEngine(world.lake)
