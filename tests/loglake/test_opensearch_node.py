"""The local OpenSearch node: fetched once, a real 2.19 node on loopback, stopped cleanly."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from loglake.opensearch_node import CACHE, LocalNode, fetch, java_major


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_the_session_node_is_opensearch_2_19_on_loopback_only(opensearch_url: str) -> None:
    info = get(opensearch_url)
    assert info["version"]["distribution"] == "opensearch" and info["version"]["number"].startswith("2.19.")
    http = next(iter(get(f"{opensearch_url}/_nodes/http")["nodes"].values()))["http"]
    assert all(address.startswith("127.0.0.1:") for address in http["bound_address"])
    assert get(f"{opensearch_url}/_cluster/health")["status"] in ("green", "yellow")


def test_fetching_again_is_a_no_op(opensearch_url: str) -> None:
    started = time.perf_counter()
    assert fetch() == CACHE
    assert time.perf_counter() - started < 1.0
    assert any(p.name.startswith("opensearch-2.19.") for p in (CACHE / "lib").glob("*.jar"))
    assert (CACHE / "classes" / "LocalNode.class").is_file()


def test_a_second_node_starts_on_another_port_and_stops_without_leftovers(opensearch_url: str) -> None:
    node = LocalNode(heap="256m")
    url = node.start()
    home, process = node.home, node._process
    assert url != opensearch_url and home is not None and process is not None
    node.stop()
    assert process.poll() is not None and not Path(home).exists()
    with pytest.raises(OSError):
        get(url)


@pytest.mark.parametrize(
    ("banner", "major"),
    [('openjdk version "17.0.15" 2025-04-15', 17), ('java version "1.8.0_412"', 8), ('openjdk version "21" 2023', 21)],
)
def test_java_versions_are_read_from_the_banner(banner: str, major: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_run(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, "", banner)

    monkeypatch.setattr(subprocess, "run", fake_run)
    assert java_major("java") == major


def test_the_node_command_serves_until_sigterm_then_stops_the_node(opensearch_url: str) -> None:
    # Given `loglake opensearch node` started as a user starts it
    import signal
    import sys

    command = [sys.executable, "-m", "loglake.cli", "opensearch", "node"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        # When it has printed its URL, the node answers there
        assert url.startswith("http://127.0.0.1:") and get(f"{url}/_cluster/health")["status"] in ("green", "yellow")
        # And on SIGTERM the command exits 0 and the node is gone
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    with pytest.raises(OSError):
        get(f"{url}/_cluster/health")
