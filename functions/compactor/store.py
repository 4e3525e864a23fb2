"""The compactor's view of the lake's storage: list, read, write (also write-once or compare-and-swap), delete.

`S3LakeStore` uses S3's conditional writes: `If-None-Match: *` for write-once objects (a second writer
gets 412 Precondition Failed instead of replacing the first one's record) and `If-Match: <ETag>` for the
lease (a writer whose ETag is stale is refused). `LocalLakeStore` is the same contract on a folder: a
hard link refuses to replace an existing file, and a compare-and-swap holds an exclusive `flock` while it
reads, compares and atomically renames (the kernel drops the lock of a killed process).

Big objects travel as files (`fetch`, `put_file`), never whole in memory. A local write goes through a
hidden `.….tmp` file renamed into place; a writer killed meanwhile leaves it behind, and
`remove_temporaries` deletes those older than a safe age. S3 writes are single PUTs: nothing is left.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from functions.compactor.visibility import ObjectInfo
from functions.sinks.s3_parquet import PARQUET, LocalStore, S3Store

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

TEMPORARY_SUFFIX = ".tmp"


class LakeStore(Protocol):
    def list(self, prefix: str) -> list[ObjectInfo]: ...

    def get(self, key: str) -> bytes: ...

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None: ...

    def put_if_absent(self, key: str, body: bytes, content_type: str = PARQUET) -> bool:
        """Write `key` unless it exists; False when it already did (nothing is replaced)."""
        ...

    def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error."""
        ...

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        """The body and a tag that changes with every write (S3: the ETag); None when `key` is missing."""
        ...

    def write_tagged(self, key: str, body: bytes, expected: str | None) -> str | None:
        """Write `key` if its tag is still `expected` (None: if it is missing); the new tag, or None if refused."""
        ...

    def fetch(self, key: str, workdir: Path) -> Path:
        """A local file holding the object (downloaded into `workdir` when it isn't one already)."""
        ...

    def put_file(self, key: str, path: Path, content_type: str = PARQUET) -> None: ...

    def remove_temporaries(self, prefix: str, older_than_ms: int) -> int:
        """Delete writes in progress under `prefix` last touched before `older_than_ms`; how many."""
        ...


class S3LakeStore:
    """The lake in an S3 bucket, through the parser's `S3Store` (one encrypted PUT a write)."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._objects = S3Store(client, bucket)

    def list(self, prefix: str) -> list[ObjectInfo]:
        return [ObjectInfo(key, size, modified_ms) for key, size, modified_ms in self._objects.list(prefix)]

    def get(self, key: str) -> bytes:
        return self._objects.get(key)

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None:
        self._objects.put(key, body, content_type)

    def put_if_absent(self, key: str, body: bytes, content_type: str = PARQUET) -> bool:
        return self._objects.put_if(key, body, content_type, expected=None) is not None

    def delete(self, key: str) -> None:
        self._objects.delete(key)

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        return self._objects.get_tagged(key)

    def write_tagged(self, key: str, body: bytes, expected: str | None) -> str | None:
        return self._objects.put_if(key, body, "application/json", expected)

    def fetch(self, key: str, workdir: Path) -> Path:
        path = workdir / hashlib.sha256(key.encode()).hexdigest()[:24]
        with path.open("wb") as handle:
            self._objects.download(key, handle)
        return path

    def put_file(self, key: str, path: Path, content_type: str = PARQUET) -> None:
        with path.open("rb") as handle:  # one PUT streamed from disk (no multipart upload to leave behind)
            self._objects.put(key, handle, content_type)

    def remove_temporaries(self, prefix: str, older_than_ms: int) -> int:
        return 0  # a PUT is atomic and the compactor never starts a multipart upload: nothing half-written


class LocalLakeStore:
    """The lake folder. Files whose name starts with '.' are writes in progress or locks, never listed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._writer = LocalStore(root)

    def _path(self, key: str) -> Path:
        return self._writer.path(key)

    def _files(self, prefix: str) -> list[tuple[str, Path]]:
        base = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not base.is_dir():
            return []
        root = self.root.resolve()
        found = []
        for path in base.resolve().rglob("*"):
            key = path.relative_to(root).as_posix()
            if key.startswith(prefix):
                found.append((key, path))
        return found

    def list(self, prefix: str) -> list[ObjectInfo]:
        found: list[ObjectInfo] = []
        for key, path in self._files(prefix):
            if path.name.startswith("."):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # deleted since the walk
                continue
            if path.is_file():
                found.append(ObjectInfo(key, stat.st_size, int(stat.st_mtime * 1000)))
        return sorted(found, key=lambda o: o.key)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None:
        self._writer.put(key, body, content_type)

    def put_if_absent(self, key: str, body: bytes, content_type: str = PARQUET) -> bool:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=TEMPORARY_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.link(tmp, path)  # atomic, and refuses to replace an existing file
        except FileExistsError:
            return False
        finally:
            Path(tmp).unlink(missing_ok=True)
        return True

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        try:
            body = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        return body, hashlib.sha256(body).hexdigest()[:32]

    def write_tagged(self, key: str, body: bytes, expected: str | None) -> str | None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with (path.parent / f".{path.name}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released by close, or by the kernel if we are killed
            current = self.read_tagged(key)
            if (current[1] if current else None) != expected:
                return None
            self._writer.put(key, body)  # a temporary renamed into place: readers see old or new, whole
        return hashlib.sha256(body).hexdigest()[:32]

    def fetch(self, key: str, workdir: Path) -> Path:
        return self._path(key)

    def put_file(self, key: str, path: Path, content_type: str = PARQUET) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=TEMPORARY_SUFFIX)
        os.close(fd)
        try:
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def remove_temporaries(self, prefix: str, older_than_ms: int) -> int:
        removed = 0
        for _key, path in self._files(prefix):
            if not (path.name.startswith(".") and path.name.endswith(TEMPORARY_SUFFIX)):
                continue
            try:
                if path.stat().st_mtime * 1000 < older_than_ms:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # renamed into place or removed meanwhile
                continue
        return removed
