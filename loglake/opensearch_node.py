"""A real single-node OpenSearch for tests and local use, from Maven Central jars — no Docker.

`fetch()` runs once per cache: Maven copies the jars that `loglake/nodes/opensearch/pom.xml` lists (the
server and its modules) into `<cache>/opensearch/lib`, and `javac` compiles `LocalNode.java` beside it;
later calls find the stamp and return at once. `LocalNode` starts the node on 127.0.0.1 on a free
port (security off, single-node discovery, a 512 MB heap, data in a temporary folder), waits until
the cluster is green or yellow, and stops it — or the node stops by itself when its parent dies,
since it exits when its standard input closes.

    loglake opensearch node        # start one by hand; prints the URL, Ctrl-C stops it
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from loglake.local_nodes import (
    NodeError,
    NodeProcess,
    fingerprint,
    is_fetched,
    java_major,
    locked,
    log_tail,
    mark_fetched,
    maven_copy_dependencies,
    run,
    tool,
)
from loglake.resources import cache_dir, package_dir

__all__ = ["CACHE", "LocalNode", "NodeError", "fetch", "java_major"]

SOURCES = package_dir("nodes", "opensearch")
CACHE = cache_dir("opensearch")
JAVA_MIN = 17
_URL_LINE = re.compile(rb"loglake-opensearch-node (http://127\.0\.0\.1:\d+)")
_NEEDS = f"the local OpenSearch node needs Maven and a JDK {JAVA_MIN}+"


def _tool(name: str) -> str:
    return tool(name, _NEEDS)


def fetch(cache: Path = CACHE) -> Path:
    """Jars in `<cache>/lib`, the launcher in `<cache>/classes`; a no-op when already there."""
    if not (SOURCES / "pom.xml").is_file():
        raise NodeError(f"{SOURCES / 'pom.xml'} is missing from the installed package")
    stamp = fingerprint(SOURCES / name for name in ("pom.xml", "LocalNode.java"))
    if is_fetched(cache, stamp):
        return cache
    with locked(cache / ".lock"):
        if is_fetched(cache, stamp):
            return cache
        java, javac = _tool("java"), _tool("javac")
        if java_major(java) < JAVA_MIN:
            raise NodeError(f"OpenSearch 2.19 needs Java {JAVA_MIN}+, `{java}` is Java {java_major(java)}")
        for folder in ("lib", "classes"):
            shutil.rmtree(cache / folder, ignore_errors=True)
        maven_copy_dependencies(SOURCES / "pom.xml", cache, cache / "lib", _NEEDS)
        classpath = str(cache / "lib" / "*")
        run([javac, "-cp", classpath, "-d", str(cache / "classes"), str(SOURCES / "LocalNode.java")], "javac")
        mark_fetched(cache, stamp)
    return cache


def _get_json(url: str, timeout: float) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # our own node, on loopback
        data: dict[str, Any] = json.loads(response.read())
        return data


class LocalNode(NodeProcess):
    """One node; `with LocalNode() as url:` or `start()` / `stop()`."""

    def __init__(self, cache: Path = CACHE, heap: str = "512m", port: int = 0) -> None:
        super().__init__(cache, heap, port)

    @property
    def log_path(self) -> Path | None:
        return None if self.home is None else self.home / "node.log"

    def command(self, home: Path) -> list[str]:
        classpath = f"{self.cache / 'classes'}{os.pathsep}{self.cache / 'lib' / '*'}"
        heap = [f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+ExitOnOutOfMemoryError"]
        quiet = ["-Djava.awt.headless=true", "-Dlog4j2.disable.jmx=true", "-Dfile.encoding=UTF-8"]
        return [_tool("java"), *heap, *quiet, "-cp", classpath, "LocalNode", str(home), str(self.port)]

    def start(self, timeout_s: float = 180.0) -> str:
        fetch(self.cache)
        self.home = Path(tempfile.mkdtemp(prefix="loglake-opensearch-"))
        self._log = (self.home / "node.log").open("wb")
        self._process = subprocess.Popen(
            self.command(self.home), stdin=subprocess.PIPE, stdout=self._log, stderr=subprocess.STDOUT
        )
        try:
            self.url = self._wait_for_url(time.monotonic() + timeout_s)
            self._wait_for_health(self.url, time.monotonic() + timeout_s)
        except BaseException:
            log = self._log_tail()
            self.stop()
            raise NodeError(f"the OpenSearch node did not come up; its log ends with:\n{log}") from None
        return self.url

    def _log_tail(self) -> str:
        return log_tail(self.log_path)

    def _wait_for_url(self, deadline: float) -> str:
        assert self._process is not None and self.log_path is not None
        while time.monotonic() < deadline:
            match = _URL_LINE.search(self.log_path.read_bytes())
            if match:
                return match.group(1).decode()
            if self._process.poll() is not None:
                raise NodeError(f"java exited with {self._process.returncode}")
            time.sleep(0.1)
        raise NodeError("timed out waiting for the node's HTTP port")

    def _wait_for_health(self, url: str, deadline: float) -> None:
        while True:
            try:
                health = _get_json(f"{url}/_cluster/health?wait_for_status=yellow&timeout=5s", timeout=10)
                if health.get("status") in ("green", "yellow"):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise NodeError("timed out waiting for a green or yellow cluster")
            time.sleep(0.2)

    def _ask_to_stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.stdin is not None:
            process.stdin.close()  # the launcher closes the node and exits
