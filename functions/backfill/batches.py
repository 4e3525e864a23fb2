"""FilterLogEvents events → chunks of `LogBatch`es under keys that depend only on where they belong. Pure.

A live payload is keyed by its stream and its first and last event ids. A backfill chunk is keyed by
its group, its window (start and length) and its number within the window: a rerun of the same window —
after a kill, a throttle or by hand — rebuilds the same chunks in the same order (FilterLogEvents
returns a window's events in a fixed order) and overwrites their objects, never duplicates them. Even
when events expired in between, a rerun overwrites the same keys.

A chunk holds every stream's events of the window up to `chunk_events` (one `LogBatch` per stream, as
the parser's context — function version, the invocation in flight — is per stream), and is written
as one object per event-hour: a Lambda function's stream-hour is often a few dozen lines, and objects
(and the parser's fixed cost) should scale with chunks, not streams. Memory stays flat: a window holds
at most one chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from functions.backfill.windows import FilteredEvent, Window
from functions.parser.decode import LogBatch

CHUNK_EVENTS = 50_000


@dataclass(frozen=True, slots=True)
class Chunk:
    """The `number`-th chunk of a group's window; the same chunk has the same identity on every run."""

    owner: str
    log_group: str
    window_ms: int  # aligned start of the window
    window_length_ms: int
    number: int
    batches: tuple[LogBatch, ...]

    @property
    def identity(self) -> str:
        place = (self.owner, self.log_group, str(self.window_ms), str(self.window_length_ms), str(self.number))
        return "\x1f".join(("backfill", *place))

    def __len__(self) -> int:
        return sum(len(b) for b in self.batches)


@dataclass
class _Buffer:
    ids: list[str] = field(default_factory=list)
    timestamps: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


class ChunkBuilder:
    """Collects one window's kept events; `add` returns a chunk when it is full, `finish` the last one."""

    def __init__(
        self, owner: str, log_group: str, window: Window, window_length_ms: int, chunk_events: int = CHUNK_EVENTS
    ) -> None:
        self.owner, self.log_group = owner, log_group
        self.window, self.window_length_ms = window, window_length_ms
        self.chunk_events = chunk_events
        self._buffers: dict[str, _Buffer] = {}
        self._held = 0
        self._number = 0

    def add(self, event: FilteredEvent) -> Chunk | None:
        buffer = self._buffers.setdefault(event.log_stream, _Buffer())
        buffer.ids.append(event.event_id)
        buffer.timestamps.append(event.timestamp)
        buffer.messages.append(event.message)
        self._held += 1
        return self._emit() if self._held >= self.chunk_events else None

    def finish(self) -> Chunk | None:
        return self._emit() if self._held else None

    def _emit(self) -> Chunk:
        batches = tuple(
            LogBatch(
                owner=self.owner,
                log_group=self.log_group,
                log_stream=stream,
                event_ids=buffer.ids,
                timestamps=buffer.timestamps,
                messages=buffer.messages,
            )
            for stream, buffer in sorted(self._buffers.items())
        )
        chunk = Chunk(self.owner, self.log_group, self.window.aligned_ms, self.window_length_ms, self._number, batches)
        self._number += 1
        self._buffers, self._held = {}, 0
        return chunk
