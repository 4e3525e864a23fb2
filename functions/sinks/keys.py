"""Pure naming for the lake: partitions and deterministic object keys.

Keys never contain log group or stream names (which may hold `..`, `/`, `=` or anything else): the
file name is a digest of the payload's identity (`LogBatch.identity`: a digest over the stream and every
event's id, time and message), so a redelivered payload overwrites its own objects instead of adding
duplicates, two different payloads never overwrite each other, and no name can escape the lake prefix
or break a Hive partition path.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
_PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    dt: str  # yyyy-MM-dd (UTC)
    hour: int  # 0-23 (UTC)

    @property
    def path(self) -> str:
        return f"dt={self.dt}/hour={self.hour:02d}"


def partition_of_hour(hour_index: int) -> Partition:
    """`hour_index` = epoch milliseconds // HOUR_MS."""
    day = datetime.fromtimestamp(hour_index * 3600, tz=UTC)
    return Partition(day.strftime("%Y-%m-%d"), day.hour)


def normalize_prefix(prefix: str) -> str:
    """'' or 'a/b/' — segments of safe characters only; refuses anything that could climb out."""
    segments = [s for s in prefix.strip("/").split("/") if s]
    for segment in segments:
        if not _PREFIX_SEGMENT.match(segment) or segment in (".", ".."):
            raise ValueError(f"unsafe lake prefix segment {segment!r} in {prefix!r}")
    return "".join(f"{s}/" for s in segments)


def payload_digest(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def object_key(prefix: str, table: str, partition: Partition, identity: str) -> str:
    """`<prefix><table>/dt=.../hour=../<digest>.parquet`, the same for the same payload every time."""
    return f"{normalize_prefix(prefix)}{table}/{partition.path}/{payload_digest(identity)}.parquet"


def kinesis_identity(source_arn: str, event_id: str) -> str:
    """The identity of the part of a Kinesis invocation owned by one stream record: the stream's ARN and
    the record's `eventID` (`shardId-…:<sequence number>`), unique in an account for the stream's life."""
    return f"kinesis\x00{source_arn}\x00{event_id}"


def parked_key(prefix: str, source: str, identity: str, arrived_ms: int) -> str:
    """`<prefix>failed/<source>/dt=<day it arrived>/<digest>.json`: where a record that can never be
    decoded is kept raw. The day is the record's own (not the attempt's), so every retry of it writes
    the same key."""
    day = datetime.fromtimestamp(arrived_ms // 1000, tz=UTC).strftime("%Y-%m-%d")
    return f"{normalize_prefix(prefix)}failed/{source}/dt={day}/{payload_digest(identity)}.json"


def index_day(event_time_ms: int) -> str:
    """`yyyy.MM.dd` (UTC) of an event time: the suffix of its daily OpenSearch index."""
    return datetime.fromtimestamp(event_time_ms // 1000, tz=UTC).strftime("%Y.%m.%d")


def index_name(index_prefix: str, event_time_ms: int) -> str:
    """`<prefix>-yyyy.MM.dd`: the daily index an event belongs to, by its event time."""
    return f"{index_prefix}-{index_day(event_time_ms)}"


def failed_key(prefix: str, sink: str, identity: str, attempted_ms: int) -> str:
    """`<prefix>failed/<sink>/dt=<day of the attempt>/<payload digest>.jsonl`.

    One object per payload and day: a redelivered payload that fails again the same day replaces
    its own failures (it re-sent every document), it never adds a second copy of them.
    """
    day = datetime.fromtimestamp(attempted_ms // 1000, tz=UTC).strftime("%Y-%m-%d")
    return f"{normalize_prefix(prefix)}failed/{sink}/dt={day}/{payload_digest(identity)}.jsonl"


# OpenSearch refuses an `_id` longer than 512 bytes, or empty, for the WHOLE bulk request it is in.
MAX_DOCUMENT_ID_BYTES = 512
_DIGEST_ID_PREFIX = "sha256-"


def document_id(event_id: str) -> str:
    """The OpenSearch `_id` of an event: its CloudWatch id as it is when OpenSearch takes it, else
    `sha256-<hex>` of it (so a retry of the same event still overwrites its own document).

    Ids that already start with `sha256-` are digested too: a digest id can then never equal a plain
    one, so a crafted id can't overwrite another event's document. The full id stays in `event_id`.
    """
    size = len(event_id.encode("utf-8", "surrogatepass"))
    if 0 < size <= MAX_DOCUMENT_ID_BYTES and not event_id.startswith(_DIGEST_ID_PREFIX):
        return event_id
    return _DIGEST_ID_PREFIX + hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()
