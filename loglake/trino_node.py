"""A real single-node Trino for tests and local use, from Maven Central artifacts — no Docker.

`fetch()` runs once per checkout: Maven copies the server (`trino-server-core`, no connectors) and
the Hive connector that `loglake/nodes/trino/pom.xml` lists into `<cache>/trino/dist`, and they are
unpacked into `<cache>/trino/server` (the connector as `plugin/hive`); later calls find the stamp and return at once.
`LocalTrino` starts the server with Java 24+ (found by `find_java_home`: $JAVA_HOME, the `java` on
PATH, then /usr/lib/jvm/*) on 127.0.0.1 on a free port, with one catalog: Hive over the local file
system (`local:///` is `/`) and a file metastore in the node's temporary folder, so that a lake
folder's Parquet files are tables after `loglake trino setup`. The node stops with `stop()`, or by
itself when the process that started it dies (Linux's parent-death signal).

    loglake trino node        # start one by hand; prints the URL, Ctrl-C stops it
"""

from __future__ import annotations

import ctypes
import json
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

from loglake.local_nodes import (
    NodeError,
    NodeProcess,
    find_java_home,
    fingerprint,
    free_port,
    is_fetched,
    locked,
    log_tail,
    mark_fetched,
    maven_copy_dependencies,
)
from loglake.resources import cache_dir, package_dir

SOURCES = package_dir("nodes", "trino")
CACHE = cache_dir("trino")
VERSION = "476"
JAVA_MIN = 24
CATALOG = "hive"
_NEEDS = f"the local Trino node needs Maven (to fetch it once) and a JDK {JAVA_MIN}+"
_PR_SET_PDEATHSIG = 1


def server_dir(cache: Path = CACHE) -> Path:
    return cache / "server"


def _unpack(cache: Path) -> None:
    dist, server = cache / "dist", server_dir(cache)
    shutil.rmtree(server, ignore_errors=True)
    unpacked = cache / "unpacked"
    shutil.rmtree(unpacked, ignore_errors=True)
    with tarfile.open(dist / f"trino-server-core-{VERSION}.tar.gz") as archive:
        archive.extractall(unpacked, filter="data")
    with zipfile.ZipFile(dist / f"trino-hive-{VERSION}.zip") as archive:
        archive.extractall(unpacked)
    (unpacked / f"trino-hive-{VERSION}").rename(unpacked / f"trino-server-core-{VERSION}" / "plugin" / "hive")
    (unpacked / f"trino-server-core-{VERSION}").rename(server)
    shutil.rmtree(unpacked)


def fetch(cache: Path = CACHE) -> Path:
    """The server in `<cache>/server` with the Hive connector; a no-op when already there."""
    if not (SOURCES / "pom.xml").is_file():
        raise NodeError(f"{SOURCES / 'pom.xml'} is missing from the installed package")
    stamp = fingerprint([SOURCES / "pom.xml"])
    if is_fetched(cache, stamp):
        return cache
    with locked(cache / ".lock"):
        if is_fetched(cache, stamp):
            return cache
        find_java_home(JAVA_MIN, f"Trino {VERSION}")  # fail before a 450 MB download, not after
        shutil.rmtree(cache / "dist", ignore_errors=True)
        maven_copy_dependencies(SOURCES / "pom.xml", cache, cache / "dist", _NEEDS)
        _unpack(cache)
        mark_fetched(cache, stamp)
    return cache


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def node_config(home: Path, server: Path, port: int, memory: str) -> dict[str, str]:
    """config.properties of a coordinator that is its own worker, reachable on loopback only."""
    return {
        "node.environment": "loglake",
        "node.id": str(uuid.uuid4()),
        "log.path": str(home / "server.log"),
        "node.bind-ip": "127.0.0.1",
        "node.internal-address": "127.0.0.1",
        "coordinator": "true",
        "node-scheduler.include-coordinator": "true",
        "http-server.http.port": str(port),
        "discovery.uri": f"http://127.0.0.1:{port}",
        "query.max-memory": memory,
        "query.max-memory-per-node": memory,
        "plugin.dir": str(server / "plugin"),
        "catalog.config-dir": str(home / "etc" / "catalog"),
        "http-server.log.enabled": "false",
    }


def catalog_config(home: Path) -> dict[str, str]:
    """Hive over the local file system (`local:///x` is `/x`), its metastore in files under `home`."""
    return {
        "connector.name": "hive",
        "hive.metastore": "file",
        "hive.metastore.catalog.dir": f"local://{home / 'metastore'}",
        "fs.native-local.enabled": "true",
        "local.location": "/",
        "hive.parquet.time-zone": "UTC",
    }


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalTrino(NodeProcess):
    """One node; `with LocalTrino() as url:` or `start()` / `stop()`."""

    def __init__(self, cache: Path = CACHE, heap: str = "2G", port: int = 0) -> None:
        super().__init__(cache, heap, port)

    @property
    def log_path(self) -> Path | None:
        """The server's log (its standard output, before logging starts, is in `node.log` beside it)."""
        return None if self.home is None else self.home / "server.log"

    def _write_config(self, home: Path, port: int) -> Path:
        etc = home / "etc"
        (etc / "catalog").mkdir(parents=True)
        (home / "metastore").mkdir()
        memory = "1GB"
        (etc / "config.properties").write_text(_properties(node_config(home, server_dir(self.cache), port, memory)))
        (etc / "log.properties").write_text(_properties({"io.trino": "WARN", "io.airlift": "WARN"}))
        (etc / "catalog" / f"{CATALOG}.properties").write_text(_properties(catalog_config(home)))
        return etc

    def command(self, java_home: Path, etc: Path) -> list[str]:
        jvm = [
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:-OmitStackTraceInFastThrow",
            "-XX:+EnableDynamicAgentLoading",
            "-Djdk.attach.allowAttachSelf=true",
            "-Dfile.encoding=UTF-8",
            "-Duser.timezone=UTC",
        ]
        server = server_dir(self.cache)
        config = [f"-Dconfig={etc / 'config.properties'}", f"-Dlog.levels-file={etc / 'log.properties'}"]
        classpath = str(server / "lib" / "*")
        return [str(java_home / "bin" / "java"), *jvm, *config, "-cp", classpath, "io.trino.server.TrinoServer"]

    def start(self, timeout_s: float = 240.0) -> str:
        fetch(self.cache)
        java_home = find_java_home(JAVA_MIN, f"Trino {VERSION}")
        self.home = Path(tempfile.mkdtemp(prefix="loglake-trino-"))
        port = self.port or free_port()
        etc = self._write_config(self.home, port)
        self._log = (self.home / "node.log").open("wb")
        env = {"JAVA_HOME": str(java_home), "PATH": f"{java_home / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8"}
        self._process = subprocess.Popen(
            self.command(java_home, etc),
            cwd=self.home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 -- one call, before exec: the node dies with us
        )
        try:
            self._wait_until_ready(f"http://127.0.0.1:{port}", time.monotonic() + timeout_s)
        except BaseException:
            assert self.home is not None
            log = log_tail(self.home / "node.log", 10) + "\n" + log_tail(self.log_path)
            self.stop()
            raise NodeError(f"the Trino node did not come up; its log ends with:\n{log}") from None
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def _wait_until_ready(self, url: str, deadline: float) -> None:
        assert self._process is not None and self.log_path is not None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise NodeError(f"java exited with {self._process.returncode}")
            if _info(url).get("starting") is False:
                return
            time.sleep(0.25)
        raise NodeError("timed out waiting for the server to start")


def _info(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"{url}/v1/info", timeout=5) as response:  # our own node, on loopback
            data: dict[str, Any] = json.loads(response.read())
            return data
    except OSError:
        return {}
