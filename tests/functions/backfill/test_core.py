"""The pure parts of the backfill: windows and the boundary, batch keys, the checkpoint's watermark, AIMD."""

from __future__ import annotations

from functions.backfill.batches import ChunkBuilder
from functions.backfill.checkpoint import Checkpoint, WindowTracker, resume_from
from functions.backfill.throttle import MAX_THROTTLED_ATTEMPTS, Aimd, Throttle, retry_delay
from functions.backfill.windows import FilteredEvent, group_range, windows
from functions.sinks.keys import HOUR_MS

DAY = 24 * HOUR_MS
T0 = 1_795_000_000_000 - 1_795_000_000_000 % DAY


def event(stream: str, ts: int, n: int, ingested: int | None = None) -> FilteredEvent:
    return FilteredEvent(stream, f"id-{n}", ts, ts if ingested is None else ingested, f"line {n}")


def test_the_range_stops_two_hours_past_the_boundary_and_keeps_only_events_ingested_before_it() -> None:
    # Given a subscription created at T0 + 10h
    span = group_range("g", T0, T0 + 5 * DAY, ingested_before=T0 + 10 * HOUR_MS)
    # Then the range ends 2 hours after it, and the ingestion time decides each event's side
    assert span.end_ms == T0 + 12 * HOUR_MS
    assert span.keeps(event("s", T0 + 11 * HOUR_MS, 1, ingested=T0 + 9 * HOUR_MS))  # stamped ahead, ingested before
    assert not span.keeps(event("s", T0 + 3 * HOUR_MS, 2, ingested=T0 + 10 * HOUR_MS))  # late, delivered live
    assert not span.keeps(event("s", T0 - 1, 3))  # before --since


def test_windows_are_aligned_and_clipped_by_the_range() -> None:
    span = group_range("g", T0 + 90 * 60_000, T0 + 2 * DAY + HOUR_MS, None)
    got = windows(span, DAY)
    assert [(w.aligned_ms, w.start_ms, w.end_ms, w.full) for w in got] == [
        (T0, T0 + 90 * 60_000, T0 + DAY, False),
        (T0 + DAY, T0 + DAY, T0 + 2 * DAY, True),
        (T0 + 2 * DAY, T0 + 2 * DAY, T0 + 2 * DAY + HOUR_MS, False),
    ]
    assert [w.aligned_ms for w in windows(span, DAY, resume_ms=T0 + DAY)] == [T0 + DAY, T0 + 2 * DAY]


def test_chunks_hold_a_batch_per_stream_and_keys_that_do_not_depend_on_their_events() -> None:
    # Given events of two streams in a day window, chunks of 4 events
    window = windows(group_range("g", T0, T0 + DAY, None), DAY)[0]
    events = [event("a", T0 + i * 20 * 60_000, i) for i in range(5)] + [event("b", T0 + 5, 9)]
    builder = ChunkBuilder("123", "g", window, DAY, chunk_events=4)
    chunks = [c for e in events if (c := builder.add(e)) is not None]
    last = builder.finish()
    assert last is not None
    chunks.append(last)
    # Then each chunk holds one batch per stream, in arrival order, and the chunks are numbered
    got = [(c.number, [(b.log_stream, b.event_ids) for b in c.batches]) for c in chunks]
    assert got == [(0, [("a", ["id-0", "id-1", "id-2", "id-3"])]), (1, [("a", ["id-4"]), ("b", ["id-9"])])]
    assert builder.finish() is None
    # And the identity names the place, not the contents: a rerun with other events overwrites the same key
    other = ChunkBuilder("123", "g", window, DAY, chunk_events=4)
    assert other.add(event("b", T0 + 7, 99)) is None
    rerun = other.finish()
    assert rerun is not None and rerun.identity == chunks[0].identity and len(rerun) == 1
    assert chunks[0].identity != chunks[1].identity


def test_the_watermark_moves_over_finished_windows_in_order_and_not_over_a_window_clipped_by_the_end() -> None:
    span = group_range("g", T0, T0 + 2 * DAY + HOUR_MS, None)
    todo = windows(span, DAY)
    tracker = WindowTracker(span, DAY, todo)
    assert tracker.finish(todo[1], 5).done_until_ms == T0  # the first is not done yet
    assert tracker.finish(todo[0], 3).done_until_ms == T0 + 2 * DAY
    last = tracker.finish(todo[2], 1)
    assert (last.done_until_ms, last.complete, last.events) == (T0 + 2 * DAY, True, 9)
    # A later run with a longer range redoes the clipped window; the same range skips the group
    longer = group_range("g", T0, T0 + 3 * DAY, None)
    assert resume_from(last, longer, DAY) == T0 + 2 * DAY
    assert resume_from(last, span, DAY) == span.end_ms
    assert resume_from(Checkpoint.from_json(last.to_json()), group_range("g", T0 - DAY, T0, None), DAY) is None


def test_aimd_halves_on_throttling_and_grows_back_one_per_round() -> None:
    aimd = Aimd(ceiling=8, limit=8.0)
    aimd.throttled()
    aimd.throttled()
    assert aimd.allowed == 2
    for _ in range(2):  # one round of 2 successes adds about one
        aimd.success()
    assert abs(aimd.limit - (2 + 1 / 2 + 1 / 2.5)) < 1e-9
    assert Aimd(ceiling=1).allowed == 1


def test_throttling_is_retried_longer_than_other_errors_and_client_errors_not_at_all() -> None:
    assert retry_delay("ThrottlingException", 0, lambda: 1.0) == 0.25
    assert retry_delay("ThrottlingException", MAX_THROTTLED_ATTEMPTS - 1, lambda: 1.0) == 8.0
    assert retry_delay("ThrottlingException", MAX_THROTTLED_ATTEMPTS) is None
    assert retry_delay(None, 0, lambda: 0.5) == 0.1
    assert retry_delay("AccessDeniedException", 0) is None


def test_the_throttle_spaces_calls_by_the_rate_and_slows_down_when_throttled() -> None:
    # Given a throttle of 4 calls in flight and 8 per second, on a clock that stands still
    waits: list[float] = []
    throttle = Throttle(ceiling=4, rate=8.0, clock=lambda: 100.0, sleep=waits.append)
    # When three calls go, then one is throttled and two more go
    for _ in range(3):
        with throttle.slot():
            pass
    throttle.throttled()
    for _ in range(2):
        with throttle.slot():
            pass
    # Then (the clock standing still, each wait is the distance to the call's turn) calls were 1/8 s
    # apart, and the one after the throttling answer 1/4 s after the one before it
    assert waits == [0.125, 0.25, 0.375, 0.375 + 0.25]
    assert throttle.aimd.allowed == 2 and throttle.current_rate == 4.0
