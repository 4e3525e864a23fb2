"""FilterLogEvents events → `LogBatch`es under keys that depend only on what they hold. Pure.

A live payload is keyed by its stream and its first and last event ids. A backfilled batch is keyed by
its stream, the UTC hour of its events and its chunk number within that stream-hour: a rerun of the same
window — after a kill, a throttle or by hand — rebuilds the same batches in the same order (FilterLogEvents
returns a window's events in a fixed order) and overwrites their objects, never duplicates them. Even
when events expired in between, a rerun overwrites the same keys instead of writing new ones.

Memory stays flat: a stream-hour is cut into chunks of `chunk_events`, every buffer is emitted when
its hour is over (events come in time order) and all of them when `buffer_events` are held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from functions.backfill.windows import FilteredEvent
from functions.parser.decode import LogBatch
from functions.sinks.keys import HOUR_MS

CHUNK_EVENTS = 10_000
BUFFER_EVENTS = 50_000


@dataclass(frozen=True, slots=True)
class BackfillBatch(LogBatch):
    """A stream-hour chunk of history; the same chunk has the same identity on every run."""

    hour_ms: int = 0
    chunk: int = 0

    @property
    def identity(self) -> str:
        return "\x1f".join(
            ("backfill", self.owner, self.log_group, self.log_stream, str(self.hour_ms), str(self.chunk))
        )


@dataclass
class _Buffer:
    ids: list[str] = field(default_factory=list)
    timestamps: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


class BatchBuilder:
    """Collects one window's kept events; `add` and `finish` return the batches ready to write."""

    def __init__(
        self, owner: str, log_group: str, chunk_events: int = CHUNK_EVENTS, buffer_events: int = BUFFER_EVENTS
    ) -> None:
        self.owner, self.log_group = owner, log_group
        self.chunk_events, self.buffer_events = chunk_events, buffer_events
        self._buffers: dict[tuple[str, int], _Buffer] = {}
        self._chunks: dict[tuple[str, int], int] = {}
        self._held = 0
        self._hour = -1

    def add(self, event: FilteredEvent) -> list[BackfillBatch]:
        hour = event.timestamp - event.timestamp % HOUR_MS
        ready: list[BackfillBatch] = []
        if hour > self._hour:
            if self._hour >= 0:
                ready += self._emit(lambda key: key[1] < hour)
            self._hour = hour
        key = (event.log_stream, hour)
        buffer = self._buffers.setdefault(key, _Buffer())
        buffer.ids.append(event.event_id)
        buffer.timestamps.append(event.timestamp)
        buffer.messages.append(event.message)
        self._held += 1
        if len(buffer.ids) >= self.chunk_events:
            ready += self._emit(lambda k: k == key)
        if self._held >= self.buffer_events:
            ready += self._emit(lambda _k: True)
        return ready

    def finish(self) -> list[BackfillBatch]:
        return self._emit(lambda _k: True)

    def _emit(self, which: Callable[[tuple[str, int]], bool]) -> list[BackfillBatch]:
        out: list[BackfillBatch] = []
        for key in sorted(k for k in self._buffers if which(k)):
            buffer = self._buffers.pop(key)
            chunk = self._chunks.get(key, 0)
            self._chunks[key] = chunk + 1
            self._held -= len(buffer.ids)
            out.append(
                BackfillBatch(
                    owner=self.owner,
                    log_group=self.log_group,
                    log_stream=key[0],
                    subscription_filters=(),
                    policy_level=None,
                    event_ids=buffer.ids,
                    timestamps=buffer.timestamps,
                    messages=buffer.messages,
                    hour_ms=key[1],
                    chunk=chunk,
                )
            )
        return out
