"""The decoding boundary: Lambda trigger events in, typed `LogBatch`es out. Raw AWS dicts stop here.

A CloudWatch Logs subscription delivers `{"awslogs": {"data": base64(gzip(json))}}`; through Kinesis
Data Streams each record's `kinesis.data` carries the same payload. A payload is one log stream's
events. CONTROL_MESSAGE payloads (the destination health checks) carry no log data and are skipped.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.data_classes import CloudWatchLogsEvent
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord


class DecodeError(ValueError):
    """A payload that can't be turned into log events. The message says what was wrong."""


@dataclass(frozen=True, slots=True)
class LogBatch:
    """One DATA_MESSAGE payload: the events of one log stream, as columns (same length, in order)."""

    owner: str
    log_group: str
    log_stream: str
    subscription_filters: tuple[str, ...]
    policy_level: str | None
    event_ids: list[str]
    timestamps: list[int]
    messages: list[str]

    def __len__(self) -> int:
        return len(self.event_ids)

    @property
    def identity(self) -> str:
        """What makes a redelivered payload the same payload: its stream and its first and last event ids."""
        first = self.event_ids[0] if self.event_ids else ""
        last = self.event_ids[-1] if self.event_ids else ""
        return f"{self.owner}\x1f{self.log_group}\x1f{self.log_stream}\x1f{first}\x1f{last}\x1f{len(self)}"


def is_kinesis_event(event: Mapping[str, Any]) -> bool:
    records = event.get("Records")
    return isinstance(records, list) and bool(records) and isinstance(records[0], dict) and "kinesis" in records[0]


def _gunzip(data: bytes) -> bytes:
    """gzip as CloudWatch sends it, or zlib (a zlib header, as in Powertools' sample event with policyLevel)."""
    try:
        return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else zlib.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise DecodeError(f"payload is not valid gzip or zlib: {exc}") from exc


def _require(payload: Mapping[str, Any], key: str, kind: type) -> Any:
    value = payload.get(key)
    if not isinstance(value, kind):
        raise DecodeError(f"payload field {key!r} is missing or not a {kind.__name__}")
    return value


def storable(texts: list[str]) -> list[str]:
    """Parquet and OpenSearch take UTF-8 only. A lone surrogate (a JSON `\\udXXX` escape without its pair)
    has no UTF-8 form: it is kept as the text of its escape, so nothing is dropped and nothing crashes."""
    try:
        "".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return [t.encode("utf-8", "backslashreplace").decode("utf-8") for t in texts]
    return texts


def _columns(events: list[Any]) -> tuple[list[str], list[int], list[str]]:
    try:
        ids = [e["id"] for e in events]
        timestamps = [e["timestamp"] for e in events]
        messages = [e["message"] for e in events]
    except (KeyError, TypeError) as exc:
        raise DecodeError(f"a log event lacks id, timestamp or message: {exc!r}") from exc
    if not all(type(t) is int for t in timestamps):
        raise DecodeError("a log event timestamp is not an integer (epoch milliseconds)")
    if not all(type(i) is str for i in ids) or not all(type(m) is str for m in messages):
        raise DecodeError("a log event id or message is not a string")
    return storable(ids), timestamps, storable(messages)


def batch_from_json(raw: bytes) -> LogBatch | None:
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
    filters = payload.get("subscriptionFilters") or []
    policy_level = payload.get("policyLevel")
    owner, group, stream = storable([_require(payload, k, str) for k in ("owner", "logGroup", "logStream")])
    return LogBatch(
        owner=owner,
        log_group=group,
        log_stream=stream,
        subscription_filters=tuple(storable([str(f) for f in filters])) if isinstance(filters, list) else (),
        policy_level=storable([policy_level])[0] if isinstance(policy_level, str) else None,
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
    return batch_from_json(_gunzip(compressed))


def decode_kinesis_record(record: KinesisStreamRecord) -> LogBatch | None:
    """One Kinesis record whose data is a CloudWatch Logs payload → its batch (None for a control message)."""
    try:
        compressed = base64.b64decode(record.kinesis.data, validate=True)
    except (binascii.Error, ValueError, KeyError) as exc:
        raise DecodeError(f"kinesis data is not valid base64: {exc}") from exc
    return batch_from_json(_gunzip(compressed))
