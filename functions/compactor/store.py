"""The compactor's view of the lake's storage: list, read, write (also write-once), delete.

`S3LakeStore` uses S3's conditional write (`If-None-Match: *`) for write-once objects: a second
writer gets 412 Precondition Failed instead of replacing the first one's record. `LocalLakeStore` is
the same contract on a folder (a hard link refuses to replace an existing file).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from botocore.exceptions import ClientError

from functions.compactor.visibility import ObjectInfo
from functions.sinks.s3_parquet import PARQUET, LocalStore, S3Store

if TYPE_CHECKING:
    pass


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


class S3LakeStore(S3Store):
    def list(self, prefix: str) -> list[ObjectInfo]:
        found: list[ObjectInfo] = []
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                modified = int(item["LastModified"].timestamp() * 1000)
                found.append(ObjectInfo(item["Key"], item["Size"], modified))
        return found

    def get(self, key: str) -> bytes:
        return self._client.get_object(Bucket=self._bucket, Key=key)["Body"].read()

    def put_if_absent(self, key: str, body: bytes, content_type: str = PARQUET) -> bool:
        try:
            self._put(key, body, content_type, IfNoneMatch="*")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "PreconditionFailed":
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self._bucket, Key=key)


class LocalLakeStore:
    """The lake folder. Files whose name starts with '.' are writes in progress and never listed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._writer = LocalStore(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"object key {key!r} escapes the lake folder")
        return path

    def list(self, prefix: str) -> list[ObjectInfo]:
        base = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not base.is_dir():
            return []
        root = self.root.resolve()
        found: list[ObjectInfo] = []
        for path in base.resolve().rglob("*"):
            key = path.relative_to(root).as_posix()
            if path.name.startswith(".") or not key.startswith(prefix) or not path.is_file():
                continue
            stat = path.stat()
            found.append(ObjectInfo(key, stat.st_size, int(stat.st_mtime * 1000)))
        return sorted(found, key=lambda o: o.key)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None:
        self._writer.put(key, body, content_type)

    def put_if_absent(self, key: str, body: bytes, content_type: str = PARQUET) -> bool:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
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
