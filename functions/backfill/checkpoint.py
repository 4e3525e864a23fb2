"""A group's backfill progress, kept with the lake: `<prefix>backfill/<digest of the group>.json`.

`done_until_ms` is the aligned start of the first window not yet written; windows are written whole
before it moves, so a run killed at any moment resumes there, rewrites the windows it may have begun
(same keys: overwritten, never duplicated) and ends with exactly the lake an unbroken run writes.
A checkpoint made for another range (other `--since`, other boundary, other window length) is not
reused: the group starts over, and its keys still overwrite what the earlier run wrote.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Protocol

from botocore.exceptions import ClientError

from functions.backfill.windows import GroupRange, Window
from functions.sinks.keys import normalize_prefix, payload_digest

VERSION = 1
JSON = "application/json"


class CheckpointStore(Protocol):
    def get(self, key: str) -> bytes: ...

    def put(self, key: str, body: bytes, content_type: str = ...) -> None: ...


@dataclass(frozen=True, slots=True)
class Checkpoint:
    log_group: str
    start_ms: int
    end_ms: int
    ingested_before: int | None
    window_ms: int
    done_until_ms: int
    complete: bool
    events: int  # events written so far (rerun windows counted again)
    version: int = VERSION

    def same_range(self, span: GroupRange, window_ms: int) -> bool:
        return (self.log_group, self.start_ms, self.ingested_before, self.window_ms) == (
            span.log_group,
            span.start_ms,
            span.ingested_before,
            window_ms,
        )

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, body: bytes) -> Checkpoint:
        data = json.loads(body)
        if data.get("version") != VERSION:
            raise ValueError(f"checkpoint version {data.get('version')!r} is not {VERSION}")
        return cls(**data)


def checkpoint_key(prefix: str, log_group: str) -> str:
    return f"{normalize_prefix(prefix)}backfill/{payload_digest(log_group)}.json"


def load(store: CheckpointStore, prefix: str, log_group: str) -> Checkpoint | None:
    try:
        body = store.get(checkpoint_key(prefix, log_group))
    except FileNotFoundError:
        return None
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            return None
        raise
    return Checkpoint.from_json(body)


def save(store: CheckpointStore, prefix: str, checkpoint: Checkpoint) -> None:
    store.put(checkpoint_key(prefix, checkpoint.log_group), checkpoint.to_json(), JSON)


def resume_from(previous: Checkpoint | None, span: GroupRange, window_ms: int) -> int | None:
    """The aligned start to resume at (None: from the beginning); `span.end_ms` when nothing is left."""
    if previous is None or not previous.same_range(span, window_ms):
        return None
    if previous.complete and previous.end_ms == span.end_ms:
        return span.end_ms
    return previous.done_until_ms


class WindowTracker:
    """Which of a group's windows are written; the checkpoint each completion leads to. Not thread-safe."""

    def __init__(self, span: GroupRange, window_ms: int, windows: list[Window], events: int = 0) -> None:
        self.span, self.window_ms = span, window_ms
        self.pending = sorted(windows)
        self.done: set[Window] = set()
        self.events = events
        self.watermark = self.pending[0].aligned_ms if self.pending else span.end_ms

    def finish(self, window: Window, events: int) -> Checkpoint:
        self.done.add(window)
        self.events += events
        while self.pending and self.pending[0] in self.done:
            first = self.pending.pop(0)
            if first.end_ms == first.aligned_ms + self.window_ms:  # a window clipped by the end is redone
                self.watermark = first.end_ms
        return self.checkpoint()

    def checkpoint(self) -> Checkpoint:
        return Checkpoint(
            log_group=self.span.log_group,
            start_ms=self.span.start_ms,
            end_ms=self.span.end_ms,
            ingested_before=self.span.ingested_before,
            window_ms=self.window_ms,
            done_until_ms=self.watermark,
            complete=not self.pending,
            events=self.events,
        )
