"""The local Trino node: fetched once, a real Trino 476 on loopback, with the Hive catalog over local files."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from loglake.trino_node import CACHE, CATALOG, catalog_config, fetch, node_config, server_dir
from tests.trino_support import trino_for

pytestmark = pytest.mark.trino


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_the_session_node_is_trino_476_on_loopback(trino_url: str) -> None:
    info = get(f"{trino_url}/v1/info")
    assert info["nodeVersion"]["version"] == "476" and info["coordinator"] and not info["starting"]
    assert trino_url.startswith("http://127.0.0.1:")
    catalogs = trino_for(trino_url, "default").query("SHOW CATALOGS").rows
    assert (CATALOG,) in catalogs


def test_fetching_again_is_a_no_op(trino_url: str) -> None:
    started = time.perf_counter()
    assert fetch() == CACHE
    assert time.perf_counter() - started < 1.0
    assert (server_dir() / "plugin" / "hive").is_dir() and any((server_dir() / "lib").glob("io.trino_trino-main-*.jar"))


def test_the_node_listens_on_loopback_only_and_keeps_its_metastore_in_its_home(tmp_path: Path) -> None:
    config = node_config(tmp_path, tmp_path / "server", 8081, "1GB")
    assert config["node.bind-ip"] == config["node.internal-address"] == "127.0.0.1"
    assert config["discovery.uri"] == "http://127.0.0.1:8081"
    assert catalog_config(tmp_path)["hive.metastore.catalog.dir"] == f"local://{tmp_path}/metastore"
