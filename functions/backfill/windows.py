"""What a backfill reads for one log group: its event-time range, cut into windows, and the live boundary. Pure.

The boundary with live delivery is the creation time of the group's loglake subscription filter: a
subscription filter forwards the events CloudWatch Logs *ingests* after it exists, whatever their
timestamp. So the backfill keeps exactly the events ingested before it (`ingestionTime` <
boundary) and leaves the rest to the subscription. As an event's timestamp may be up to two hours
ahead of its ingestion (PutLogEvents refuses more), a group's range ends two hours after the boundary.

Windows are aligned to UTC multiples of their length (a day by default, always whole hours): the same
range gives the same windows on every run, so a rerun redoes a window whole and writes the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from functions.sinks.keys import HOUR_MS

FUTURE_TOLERANCE_MS = 2 * HOUR_MS
PAST_TOLERANCE_MS = 14 * 24 * HOUR_MS  # PutLogEvents takes events up to 14 days older than their ingestion
DEFAULT_WINDOW_MS = 24 * HOUR_MS


@dataclass(frozen=True, slots=True)
class FilteredEvent:
    """One event as FilterLogEvents returns it (typed past the reader)."""

    log_stream: str
    event_id: str
    timestamp: int
    ingestion_time: int
    message: str


@dataclass(frozen=True, slots=True)
class GroupRange:
    """Event times [start_ms, end_ms) of one group; `ingested_before` None: no live subscription to meet."""

    log_group: str
    start_ms: int
    end_ms: int
    ingested_before: int | None

    def keeps(self, event: FilteredEvent) -> bool:
        """An event the backfill writes: in range, and not one the subscription delivered."""
        if not self.start_ms <= event.timestamp < self.end_ms:
            return False
        return self.ingested_before is None or event.ingestion_time < self.ingested_before


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """Event times [start_ms, end_ms) inside the aligned slot [aligned_ms, aligned_ms + length)."""

    aligned_ms: int
    start_ms: int
    end_ms: int
    full: bool  # the whole aligned slot: False where the group's range clips it


def group_range(
    log_group: str, since_ms: int, until_ms: int | None, ingested_before: int | None, created_ms: int | None = None
) -> GroupRange:
    """The range to backfill: from `since` (not before the oldest time the group can hold: 14 days before it
    was created) to `until`, and never past the boundary's two-hour tolerance when a subscription delivers
    the rest; without `until`, up to that tolerance (a group without subscription needs an `until`)."""
    oldest = None if created_ms is None else created_ms - PAST_TOLERANCE_MS
    start = since_ms if oldest is None else max(since_ms, oldest - oldest % HOUR_MS)
    if ingested_before is None:
        if until_ms is None:
            raise ValueError(f"{log_group}: without a live subscription the range needs an end")
        end = until_ms
    else:
        limit = ingested_before + FUTURE_TOLERANCE_MS
        end = limit if until_ms is None else min(until_ms, limit)
    return GroupRange(log_group, start, max(start, end), ingested_before)


def windows(span: GroupRange, window_ms: int = DEFAULT_WINDOW_MS, resume_ms: int | None = None) -> list[Window]:
    """The aligned windows covering the range, from `resume_ms` (an aligned start already done) on."""
    if window_ms <= 0 or window_ms % HOUR_MS:
        raise ValueError(f"window length must be a positive whole number of hours, not {window_ms} ms")
    start = span.start_ms if resume_ms is None else max(span.start_ms, resume_ms)
    out: list[Window] = []
    aligned = start - start % window_ms
    while aligned < span.end_ms:
        lo, hi = max(aligned, span.start_ms), min(aligned + window_ms, span.end_ms)
        if lo < hi:
            out.append(Window(aligned, lo, hi, full=(lo == aligned and hi == aligned + window_ms)))
        aligned += window_ms
    return out
