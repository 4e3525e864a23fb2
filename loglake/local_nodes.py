"""What the local servers (OpenSearch, Trino) share: Maven fetches into `.cache/`, Java look-up, locks.

A local node is fetched once per checkout from Maven Central artifacts that a `pom.xml` in the repo
lists, into a cache folder stamped with a fingerprint of the files that define it; a changed pom
fetches again. Only the node modules call these helpers; nothing here starts a server.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

JVM_ROOT = Path("/usr/lib/jvm")
_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


class NodeError(RuntimeError):
    """A local node could not be fetched or started; the message says why and what to do."""


def run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise NodeError(f"{what} failed (exit {done.returncode}): {' '.join(cmd[:3])} ...\n{tail}")


def tool(name: str, needed_by: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise NodeError(f"`{name}` is not on PATH: {needed_by}")
    return path


def java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = _JAVA_VERSION.search(out)
    if match is None:
        raise NodeError(f"cannot tell the Java version from: {out.strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def java_homes(environ: dict[str, str] | None = None, jvm_root: Path = JVM_ROOT) -> list[Path]:
    """Candidate JDKs, in the order they are preferred: $JAVA_HOME, the `java` on PATH, then `jvm_root/*`."""
    env = os.environ if environ is None else environ
    homes: list[Path] = []
    if env.get("JAVA_HOME"):
        homes.append(Path(env["JAVA_HOME"]))
    on_path = shutil.which("java", path=env.get("PATH"))
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    if jvm_root.is_dir():
        homes.extend(sorted(p for p in jvm_root.iterdir() if p.is_dir() and not p.is_symlink()))
    unique: list[Path] = []
    for home in homes:
        if home not in unique and (home / "bin" / "java").is_file():
            unique.append(home)
    return unique


def find_java_home(
    minimum: int,
    who: str,
    homes: Iterable[Path] | None = None,
    major_of: Callable[[str], int] = java_major,
) -> Path:
    """The first JDK home whose `java` is at least `minimum` (a Java 17 default can stay for others)."""
    seen: list[str] = []
    for home in java_homes() if homes is None else homes:
        major = major_of(str(home / "bin" / "java"))
        if major >= minimum:
            return home
        seen.append(f"{home} (Java {major})")
    found = ", ".join(seen) or "none"
    raise NodeError(f"{who} needs Java {minimum}+; set JAVA_HOME to such a JDK (found: {found})")


def fingerprint(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One fetch at a time per cache folder, across processes (two test runs in one checkout)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_fetched(cache: Path, stamp_of: str) -> bool:
    stamp = cache / "ready"
    return stamp.is_file() and stamp.read_text().strip() == stamp_of


def mark_fetched(cache: Path, stamp_of: str) -> None:
    (cache / "ready").write_text(stamp_of + "\n")


def maven_copy_dependencies(pom: Path, cache: Path, output: Path, needed_by: str) -> None:
    """Every dependency `pom` lists, copied into `output` (Maven's own repository under `cache/m2`)."""
    maven = [tool("mvn", needed_by), "-B", "-q", "-f", str(pom), f"-Dmaven.repo.local={cache / 'm2'}"]
    run([*maven, "dependency:copy-dependencies", f"-DoutputDirectory={output}"], "fetching with Maven")


def free_port(host: str = "127.0.0.1") -> int:
    """A port free on `host` right now (for servers that cannot report the port they bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def log_tail(path: Path | None, lines: int = 30) -> str:
    if path is None or not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class NodeProcess:
    """A local node's process, its log and its temporary home; `stop()` ends all three, even half started."""

    def __init__(self, cache: Path, heap: str, port: int) -> None:
        self.cache, self.heap, self.port = cache, heap, port  # port 0: a free one
        self.url: str | None = None
        self.home: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> str:
        raise NotImplementedError

    def _ask_to_stop(self, process: subprocess.Popen[bytes]) -> None:
        process.terminate()

    def stop(self, timeout_s: float = 30.0) -> None:
        process, self._process = self._process, None
        if process is not None:
            self._ask_to_stop(process)
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

    def serve(self, ready: Callable[[str], None]) -> None:
        """Start, hand the URL to `ready`, then run until Ctrl-C or SIGTERM; the node is stopped either way."""
        url = self.start()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            ready(url)
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
