"""The lake: Parquet (zstd) objects under Hive partitions, on S3 or in a local folder.

`write_batch` splits a normalized batch by event-time hour, encodes each part as one Parquet object
(without the columns no row of the part has a value in: a sparse object) and puts it under a
deterministic key. Writing is all-or-raise: an error reaches the handler, the
invocation fails, and AWS retries it (then dead-letters it); a retry rewrites the same keys.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from botocore.exceptions import ClientError

from functions.sinks.keys import HOUR_MS, Partition, object_key, partition_of_hour

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

TABLE = "events"
ROW_GROUP_SIZE = 128 * 1024
# Dictionary encoding pays where values repeat; statistics pay where queries filter (row-group and
# page pruning). Long free text (message, raw, stack_trace...) gets neither: it would only cost time.
# request_id is left out of the dictionaries: an id repeats only within its invocation's few lines, so a
# dictionary of distinct ids plus the indices costs more than plain values zstd finds again a few rows on.
DICTIONARY_COLUMNS = [
    "ingest_time",
    "account_id",
    "region",
    "log_group",
    "log_stream",
    "source",
    "function_name",
    "function_version",
    "record_type",
    "level",
    "error_type",
    "runtime_version",
    "status",
    "http_method",
    "resource_path",
    "status_code",
    "memory_size_mb",
    "api_id",
    "stage",
    "trace_id",
    "user_agent",
    "source_ip",
]
STATISTICS_COLUMNS = [
    "event_time",
    "ingest_time",
    "log_group",
    "function_name",
    "function_version",
    "record_type",
    "level",
    "request_id",
    "status",
    "status_code",
    "duration_ms",
    "api_id",
    "trace_id",
]
SMALL_OBJECT_ROWS = 1_000
SMALL_STATISTICS = ["event_time"]
# In a small object zstd pays only on the columns with many bytes that differ from row to row: Arrow
# starts a zstd context for every column chunk, which costs more on a one-value column than snappy's
# whole run. Zstd on these and snappy on the rest encodes ~0.2-0.25 ms faster than zstd everywhere, at
# every size up to SMALL_OBJECT_ROWS, for ~10 % more bytes at 100 rows and ~25 % at 600 (bench/
# parquet_encode.py); the compactor rewrites them all as zstd (~46 B/event).
SMALL_ZSTD_COLUMNS = frozenset({"event_id", "raw", "message", "attributes", "stack_trace", "error_message"})
# Encodings other than plain for columns outside the dictionaries (bench/parquet_encode.py measures them):
# event ids are digit strings of nearly one length, so their lengths apart from their bytes compress to
# almost nothing; event times rise a few ms a row, so deltas pack into a few bits each.
COLUMN_ENCODINGS = {
    "event_id": "DELTA_LENGTH_BYTE_ARRAY",
    "event_time": "DELTA_BINARY_PACKED",
}
# Columns every object carries even when no row has a value: the identity and the times the lake is
# keyed, partitioned and merged on. Any other column null in every row of an object is left out of it
# (Athena, Trino and DuckDB read a column a Parquet file lacks as NULL; the compactor's outputs have them all).
ALWAYS_WRITTEN = frozenset({"event_id", "event_time", "ingest_time"})


PARQUET = "application/vnd.apache.parquet"


class ObjectStore(Protocol):
    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None: ...


@dataclass(frozen=True, slots=True)
class WrittenObject:
    key: str
    rows: int
    bytes: int


class S3Store:
    """Objects in an S3 bucket. Retries are botocore's (configure the client with retry mode).

    Every write is one PUT, encrypted at rest. `put_if` is S3's conditional write: `If-None-Match: *`
    when the key must not exist yet, `If-Match: <ETag>` when it must still be the version read."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, body: bytes | IO[bytes], content_type: str = PARQUET) -> None:
        """Write `key` (a file object is streamed: no multipart upload to leave behind)."""
        self._put(key, body, content_type)

    def put_if(self, key: str, body: bytes | IO[bytes], content_type: str, expected: str | None) -> str | None:
        """Write `key` only if its ETag is still `expected` (None: only if it does not exist); the new
        ETag, or None when the condition was false and nothing was written."""
        condition = {"IfNoneMatch": "*"} if expected is None else {"IfMatch": expected}
        try:
            answer = self._put(key, body, content_type, **condition)
        except ClientError as error:
            if _lost_condition(error):
                return None
            raise
        return str(answer["ETag"])

    def get(self, key: str) -> bytes:
        body: bytes = self._client.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        return body

    def get_tagged(self, key: str) -> tuple[bytes, str] | None:
        """The body and ETag of `key`; None when it does not exist."""
        try:
            answer = self._client.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return answer["Body"].read(), str(answer["ETag"])

    def download(self, key: str, target: IO[bytes]) -> None:
        """Copy `key` into `target` in chunks: the object is never whole in memory."""
        body = self._client.get_object(Bucket=self._bucket, Key=key)["Body"]
        shutil.copyfileobj(body, target, 1024 * 1024)

    def list(self, prefix: str) -> list[tuple[str, int, int]]:
        """`(key, size, last modified in epoch ms)` of every object whose key starts with `prefix`."""
        found = []
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found.append((item["Key"], item["Size"], int(item["LastModified"].timestamp() * 1000)))
        return found

    def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error (S3 answers 204 either way)."""
        self._client.delete_object(Bucket=self._bucket, Key=key)

    def _put(self, key: str, body: bytes | IO[bytes], content_type: str, **conditions: Any) -> Any:
        return self._client.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="AES256",
            **conditions,
        )


# S3's answers to a conditional write that lost: 412 (the condition is false), 409 (a concurrent
# conditional write to the same key), 404 (If-Match on a key that is gone).
_LOST = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "412", "409", "404"})


def _lost_condition(error: ClientError) -> bool:
    details = error.response.get("Error", {})
    status = str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
    return details.get("Code") in _LOST or status in ("409", "412")


class LocalStore:
    """Objects as files under a folder. A file appears whole or not at all (write, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """The file of `key`; a key that would lead out of the folder (`..`, a link) is refused."""
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"object key {key!r} escapes the lake folder")
        return path

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def parquet_options(names: Collection[str], *, small: bool = False) -> dict[str, Any]:
    """Writer options for an object holding the columns `names` (the lake writer's and the compactor's).

    No Arrow schema in the footer: Parquet's own types read back as the same Arrow types, and the copy
    (every column's doc) took ~7 KB, more than the rows of a 100-event object. A `small` object (fewer
    than SMALL_OBJECT_ROWS rows: one delivery's) gets no dictionaries and statistics on the event time
    only: a reader fetches so small an object whole with its footer, so pruning saves no request, and
    they cost ~10 % of its bytes and a third of its encode time. It is also zstd-compressed only in
    SMALL_ZSTD_COLUMNS (snappy elsewhere).
    """
    present = frozenset(names)
    return {
        "compression": {c: "zstd" if c in SMALL_ZSTD_COLUMNS else "snappy" for c in names} if small else "zstd",
        "use_dictionary": [] if small else [c for c in DICTIONARY_COLUMNS if c in present],
        "write_statistics": [c for c in (SMALL_STATISTICS if small else STATISTICS_COLUMNS) if c in present],
        "column_encoding": {c: e for c, e in COLUMN_ENCODINGS.items() if c in present},
        "store_schema": False,
    }


def without_empty_columns(table: pa.Table) -> pa.Table:
    """`table` without the columns that are null in every row, but for those in ALWAYS_WRITTEN."""
    rows, names = table.num_rows, table.schema.names
    nulls = [column.null_count for column in table.itercolumns()]
    keep = [i for i, name in enumerate(names) if nulls[i] < rows or name in ALWAYS_WRITTEN]
    return table if len(keep) == len(names) else table.select(keep)


def encode_parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    small = table.num_rows < SMALL_OBJECT_ROWS
    pq.write_table(table, sink, row_group_size=ROW_GROUP_SIZE, **parquet_options(table.column_names, small=small))
    return sink.getvalue()


def split_by_hour(table: pa.Table) -> list[tuple[Partition, pa.Table]]:
    """Parts of `table` by the UTC hour of `event_time`, each in the table's own row order. A row without
    an event time (the decoder lets none through) has no hour to go under: that is an error, not a drop."""
    if table.num_rows == 0:
        return []
    times = table["event_time"]
    if times.null_count:
        raise ValueError(f"{times.null_count} rows have no event time, so no hour to be stored under")
    bounds: Any = pc.min_max(times)  # most payloads lie within one hour: one reduction tells
    low, high = bounds["min"].value // HOUR_MS, bounds["max"].value // HOUR_MS
    if low == high:
        return [(partition_of_hour(low), table)]
    hours = pc.divide(times.cast(pa.int64()), HOUR_MS)
    distinct = sorted(int(h) for h in pc.unique(hours).to_pylist() if h is not None)
    return [(partition_of_hour(h), table.filter(pc.equal(hours, pa.scalar(h, pa.int64())))) for h in distinct]


def write_batch(store: ObjectStore, prefix: str, table: pa.Table, identity: str) -> list[WrittenObject]:
    """Write every hour of `table` as one object keyed by the payload identity, without its empty columns."""
    return [write_part(store, prefix, partition, part, identity) for partition, part in split_by_hour(table)]


def write_part(store: ObjectStore, prefix: str, partition: Partition, part: pa.Table, identity: str) -> WrittenObject:
    """One event hour's rows (all of `partition`) as one object keyed by `identity`, without its empty columns."""
    body = encode_parquet(without_empty_columns(part))
    key = object_key(prefix, TABLE, partition, identity)
    store.put(key, body)
    return WrittenObject(key, part.num_rows, len(body))
