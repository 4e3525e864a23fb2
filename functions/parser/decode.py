"""The decoding boundary: Lambda trigger events in, typed `LogBatch`es out. Raw AWS dicts stop here.

A CloudWatch Logs subscription delivers `{"awslogs": {"data": base64(gzip(json))}}`; through Kinesis
Data Streams each record's `kinesis.data` carries the same payload. A payload is one log stream's
events. CONTROL_MESSAGE payloads (the destination health checks) carry no log data and are skipped.

Limits that hold whatever the input (an attacker can invoke the parser or write to its stream):
- The decompressed payload is read in bounded chunks and refused past `MAX_DECOMPRESSED_BYTES`, so a
  decompression bomb costs at most that much memory (see the constant for why that size).
- An event time must be an integer of epoch milliseconds in `[0, MAX_EVENT_TIME_MS]` (1970 to the end
  of year 9999, what a `dt=yyyy-MM-dd` partition and a daily index can name). CloudWatch itself never
  sends anything else (PutLogEvents refuses events more than 14 days old or 2 hours ahead), so a payload
  with another timestamp was not written by CloudWatch: it is refused whole with a `DecodeError` naming
  the event, and keeps its raw form where refused payloads go (the DLQ, the Kinesis retry, the CLI's
  FAILED line) instead of being stored with a made-up time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.data_classes import CloudWatchLogsEvent
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord


class DecodeError(ValueError):
    """A payload that can't be turned into log events. The message says what was wrong."""


# What CloudWatch can send, compressed: a Kinesis record holds at most 1 MiB, an asynchronous Lambda
# payload at most 1 MB with its base64 (so about 750 KB of gzip). Log text with its JSON envelope
# rarely compresses beyond 10-20:1, and one PutLogEvents batch is at most 1 MiB of messages (10,000
# events, 256 KB each at most) - several MiB once JSON-escaped. 64 MiB is 64 times the largest
# compressed input and ten times the largest escaped batch, while a gzip bomb (about 1000:1) is stopped
# after 64 MiB instead of filling the Lambda's memory.
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024
_CHUNK_BYTES = 1024 * 1024
# 9999-12-31T23:59:59.999Z: the last instant a four-digit year (a `dt=` partition, a daily index) can hold.
MAX_EVENT_TIME_MS = 253_402_300_799_999


@dataclass(frozen=True, slots=True)
class LogBatch:
    """One DATA_MESSAGE payload: the events of one log stream, as columns (same length, in order)."""

    owner: str
    log_group: str
    log_stream: str
    event_ids: list[str]
    timestamps: list[int]
    messages: list[str]

    def __len__(self) -> int:
        return len(self.event_ids)

    @property
    def identity(self) -> str:
        """What makes a redelivered payload the same payload: a SHA-256 over its stream and EVERY event's
        id, timestamp and message (each length-prefixed, so no two payloads frame alike). Two payloads
        that differ anywhere - even only in a middle event - never share an object key; a redelivery of
        the same payload always gets its own key back."""
        digest = hashlib.sha256()
        for text in (self.owner, self.log_group, self.log_stream):
            _feed(digest, text)
        for event_id, timestamp, message in zip(self.event_ids, self.timestamps, self.messages, strict=True):
            _feed(digest, event_id)
            _feed(digest, str(timestamp))
            _feed(digest, message)
        return digest.hexdigest()


def _feed(digest: Any, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    digest.update(len(data).to_bytes(8, "big"))
    digest.update(data)


def is_kinesis_event(event: Mapping[str, Any]) -> bool:
    records = event.get("Records")
    return isinstance(records, list) and bool(records) and isinstance(records[0], dict) and "kinesis" in records[0]


def _inflate_member(data: bytes, out: bytearray, limit: int) -> bytes:
    """Inflate one gzip or zlib stream at the start of `data` into `out`; returns what follows it."""
    stream = zlib.decompressobj(wbits=47)  # 32 + 15: a gzip or a zlib header, detected
    pending = data
    while not stream.eof:
        chunk = stream.decompress(pending, _CHUNK_BYTES)
        out += chunk
        if len(out) > limit:
            raise DecodeError(f"payload decompresses to more than {limit:,} bytes: refused as a decompression bomb")
        pending = stream.unconsumed_tail
        if not chunk and not pending:
            raise DecodeError("payload is not valid gzip/zlib: the compressed stream is truncated")
    return stream.unused_data


def decompress(data: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> bytearray:
    """gzip (also several members, like `gzip.decompress`) or zlib → bytes, never more than `limit`."""
    out = bytearray()
    rest = data
    try:
        while rest:
            rest = _inflate_member(rest, out, limit)
    except zlib.error as exc:
        raise DecodeError(f"payload is not valid gzip/zlib: {exc}") from exc
    return out


def _require(payload: Mapping[str, Any], key: str, kind: type) -> Any:
    value = payload.get(key)
    if not isinstance(value, kind):
        raise DecodeError(f"payload field {key!r} is missing or not a {kind.__name__}")
    return value


def has_utf8_form(text: str) -> bool:
    """Parquet and OpenSearch take UTF-8 only; a lone surrogate (a JSON `\\udXXX` escape without its
    pair) has no UTF-8 form."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def storable(texts: list[str]) -> list[str]:
    """Texts as Parquet can hold them: a lone surrogate is kept as the text of its escape, so nothing is
    dropped and nothing crashes."""
    if has_utf8_form("".join(texts)):
        return texts
    return [t.encode("utf-8", "backslashreplace").decode("utf-8") for t in texts]


def _check_timestamps(ids: list[Any], timestamps: list[Any]) -> None:
    """Every timestamp an int (not a bool, float or string) within `[0, MAX_EVENT_TIME_MS]`."""
    for event_id, ts in zip(ids, timestamps, strict=True):
        if type(ts) is not int:
            raise DecodeError(
                f"log event {str(event_id)[:80]!r}: timestamp is not an integer (epoch milliseconds): {str(ts)[:40]!r}"
            )
        if not 0 <= ts <= MAX_EVENT_TIME_MS:
            raise DecodeError(
                f"log event {str(event_id)[:80]!r}: timestamp is out of range (epoch milliseconds from 0 to "
                f"{MAX_EVENT_TIME_MS}, years 1970 to 9999): {ts}"
            )


def _columns(events: list[Any]) -> tuple[list[str], list[int], list[str]]:
    try:
        ids = [e["id"] for e in events]
        timestamps = [e["timestamp"] for e in events]
        messages = [e["message"] for e in events]
    except (KeyError, TypeError) as exc:
        raise DecodeError(f"a log event lacks id, timestamp or message: {exc!r}") from exc
    _check_timestamps(ids, timestamps)
    if not all(type(i) is str for i in ids) or not all(type(m) is str for m in messages):
        raise DecodeError("a log event id or message is not a string")
    return storable(ids), timestamps, storable(messages)


def batch_from_json(raw: bytes | bytearray) -> LogBatch | None:
    """Parse one decompressed payload; None for a CONTROL_MESSAGE."""
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DecodeError(f"payload is not valid JSON: {exc}") from exc
    except RecursionError as exc:  # nesting deeper than the interpreter's stack: not a log payload
        raise DecodeError("payload JSON is nested too deeply") from exc
    if not isinstance(payload, dict):
        raise DecodeError("payload is not a JSON object")
    message_type = payload.get("messageType")
    if message_type == "CONTROL_MESSAGE":
        return None
    if message_type != "DATA_MESSAGE":
        raise DecodeError(f"unexpected messageType {message_type!r}")
    ids, timestamps, messages = _columns(_require(payload, "logEvents", list))
    owner, group, stream = storable([_require(payload, k, str) for k in ("owner", "logGroup", "logStream")])
    return LogBatch(
        owner=owner,
        log_group=group,
        log_stream=stream,
        event_ids=ids,
        timestamps=timestamps,
        messages=messages,
    )


def decode_awslogs(event: Mapping[str, Any]) -> LogBatch | None:
    """A direct subscription invocation → its batch (None for a control message)."""
    awslogs = event.get("awslogs")
    if not isinstance(awslogs, dict) or not isinstance(awslogs.get("data"), str):
        raise DecodeError("event has neither awslogs.data nor Kinesis records")
    try:
        compressed = base64.b64decode(CloudWatchLogsEvent(dict(event)).raw_logs_data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecodeError(f"awslogs.data is not valid base64: {exc}") from exc
    return batch_from_json(decompress(compressed))


def decode_kinesis_record(record: KinesisStreamRecord) -> LogBatch | None:
    """One Kinesis record whose data is a CloudWatch Logs payload → its batch (None for a control message)."""
    try:
        compressed = base64.b64decode(record.kinesis.data, validate=True)
    except (binascii.Error, ValueError, KeyError) as exc:
        raise DecodeError(f"kinesis data is not valid base64: {exc}") from exc
    return batch_from_json(decompress(compressed))
