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

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from loglake.resources import cache_dir, package_dir

SOURCES = package_dir("nodes", "opensearch")
CACHE = cache_dir("opensearch")
JAVA_MIN = 17
_URL_LINE = re.compile(rb"loglake-opensearch-node (http://127\.0\.0\.1:\d+)")
_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


class NodeError(RuntimeError):
    """The node could not be fetched or started; the message says why and what to do."""


def _run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise NodeError(f"{what} failed (exit {done.returncode}): {' '.join(cmd[:3])} ...\n{tail}")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise NodeError(f"`{name}` is not on PATH: the local OpenSearch node needs Maven and a JDK {JAVA_MIN}+")
    return path


def java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = _JAVA_VERSION.search(out)
    if match is None:
        raise NodeError(f"cannot tell the Java version from: {out.strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pom.xml", "LocalNode.java"):
        digest.update((SOURCES / name).read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One fetch at a time per cache folder, across processes (two test runs in one checkout)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fetch(cache: Path = CACHE) -> Path:
    """Jars in `<cache>/lib`, the launcher in `<cache>/classes`; a no-op when already there."""
    if not (SOURCES / "pom.xml").is_file():
        raise NodeError(f"{SOURCES / 'pom.xml'} is missing from the installed package")
    stamp, fingerprint = cache / "ready", _fingerprint()
    if stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return cache
    with _locked(cache / ".lock"):
        if stamp.is_file() and stamp.read_text().strip() == fingerprint:
            return cache
        java, javac, mvn = _tool("java"), _tool("javac"), _tool("mvn")
        if java_major(java) < JAVA_MIN:
            raise NodeError(f"OpenSearch 2.19 needs Java {JAVA_MIN}+, `{java}` is Java {java_major(java)}")
        for folder in ("lib", "classes"):
            shutil.rmtree(cache / folder, ignore_errors=True)
        maven = [mvn, "-B", "-q", "-f", str(SOURCES / "pom.xml"), f"-Dmaven.repo.local={cache / 'm2'}"]
        copy = ["dependency:copy-dependencies", f"-DoutputDirectory={cache / 'lib'}"]
        _run([*maven, *copy], "fetching the OpenSearch jars with Maven")
        classpath = str(cache / "lib" / "*")
        _run([javac, "-cp", classpath, "-d", str(cache / "classes"), str(SOURCES / "LocalNode.java")], "javac")
        stamp.write_text(fingerprint + "\n")
    return cache


def _get_json(url: str, timeout: float) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # our own node, on loopback
        data: dict[str, Any] = json.loads(response.read())
        return data


class LocalNode:
    """One node; `with LocalNode() as url:` or `start()` / `stop()`."""

    def __init__(self, cache: Path = CACHE, heap: str = "512m", port: int = 0) -> None:
        self.cache, self.heap, self.port = cache, heap, port
        self.url: str | None = None
        self.home: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

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
        path = self.log_path
        if path is None or not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-30:])

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

    def stop(self, timeout_s: float = 30.0) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()  # the launcher closes the node and exits
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout_s)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None
        self.url = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
