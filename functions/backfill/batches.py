"""FilterLogEvents events → `LogBatch`es under keys that depend only on where they belong. Pure.

A live payload is keyed by its stream and its first and last event ids. A backfilled batch is keyed by
its stream, its window (start and length) and its chunk number within that stream-window: a rerun of
the same window — after a kill, a throttle or by hand — rebuilds the same batches in the same order
(FilterLogEvents returns a window's events in a fixed order) and overwrites their objects, never
duplicates them. Even when events expired in between, a rerun overwrites the same keys.

A batch is one stream's events of a whole window (a day by default), cut into chunks of `chunk_events`:
the parser's cost per batch is mostly fixed, and a stream-hour of a Lambda function is often a few
dozen lines. The sink still writes one object per event-hour. Memory stays flat: every buffer is
emitted when `buffer_events` are held.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from functions.backfill.windows import FilteredEvent, Window
from functions.parser.decode import LogBatch

CHUNK_EVENTS = 10_000
BUFFER_EVENTS = 50_000


@dataclass(frozen=True, slots=True)
class BackfillBatch(LogBatch):
    """A stream-window chunk of history; the same chunk has the same identity on every run."""

    window_ms: int = 0  # aligned start of the window
    window_length_ms: int = 0
    chunk: int = 0

    @property
    def identity(self) -> str:
        place = (self.owner, self.log_group, self.log_stream, str(self.window_ms), str(self.window_length_ms))
        return "\x1f".join(("backfill", *place, str(self.chunk)))


@dataclass
class _Buffer:
    ids: list[str] = field(default_factory=list)
    timestamps: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


class BatchBuilder:
    """Collects one window's kept events; `add` and `finish` return the batches ready to write."""

    def __init__(
        self,
        owner: str,
        log_group: str,
        window: Window,
        window_length_ms: int,
        *,
        chunk_events: int = CHUNK_EVENTS,
        buffer_events: int = BUFFER_EVENTS,
    ) -> None:
        self.owner, self.log_group = owner, log_group
        self.window, self.window_length_ms = window, window_length_ms
        self.chunk_events, self.buffer_events = chunk_events, buffer_events
        self._buffers: dict[str, _Buffer] = {}
        self._chunks: dict[str, int] = {}
        self._held = 0

    def add(self, event: FilteredEvent) -> list[BackfillBatch]:
        buffer = self._buffers.setdefault(event.log_stream, _Buffer())
        buffer.ids.append(event.event_id)
        buffer.timestamps.append(event.timestamp)
        buffer.messages.append(event.message)
        self._held += 1
        if len(buffer.ids) >= self.chunk_events:
            return [self._emit(event.log_stream)]
        if self._held >= self.buffer_events:
            return self.finish()
        return []

    def finish(self) -> list[BackfillBatch]:
        return [self._emit(stream) for stream in sorted(self._buffers)]

    def _emit(self, stream: str) -> BackfillBatch:
        buffer = self._buffers.pop(stream)
        chunk = self._chunks.get(stream, 0)
        self._chunks[stream] = chunk + 1
        self._held -= len(buffer.ids)
        return BackfillBatch(
            owner=self.owner,
            log_group=self.log_group,
            log_stream=stream,
            subscription_filters=(),
            policy_level=None,
            event_ids=buffer.ids,
            timestamps=buffer.timestamps,
            messages=buffer.messages,
            window_ms=self.window.aligned_ms,
            window_length_ms=self.window_length_ms,
            chunk=chunk,
        )
