"""The backfill against moto's CloudWatch Logs into a lake folder: a full run, the live boundary, throttling,
a run stopped mid-way and rerun. Expected contents come from what the test put, never from the code."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from functions.backfill.reader import BackfillError, describe_groups, logs_client
from functions.backfill.runner import Backfill, Lake, Options, Stats, plan_jobs
from functions.backfill.throttle import Throttle
from functions.parser.ingest import Ingestor
from functions.parser.wiring import handle
from functions.sinks.keys import HOUR_MS
from tests.aws_fakes import REGION
from tests.functions.backfill.history import (
    T0,
    lake_events,
    lake_ids,
    object_keys,
    put_events,
    put_history,
)
from tests.support import awslogs_event

UNTIL = T0 + 48 * HOUR_MS


def no_sleep(_seconds: float) -> None:
    return None


def backfill(
    lake_dir: Path,
    client: Any,
    prefix: str = "/aws/lambda/",
    *,
    window_hours: int = 1,
    concurrency: int = 2,
    chunk_events: int = 4,
    page_events: int | None = 7,
    since: int = T0 - 24 * HOUR_MS,
) -> tuple[Stats, Throttle]:
    """One run as the CLI does it, with small windows, chunks and pages so that each is exercised."""
    options = Options(
        since_ms=since,
        until_ms=UNTIL,
        window_ms=window_hours * HOUR_MS,
        concurrency=concurrency,
        rate=1000.0,
        chunk_events=chunk_events,
        page_events=page_events,
    )
    lake = Lake.parse(str(lake_dir))
    throttle = Throttle(ceiling=concurrency, rate=options.rate, sleep=no_sleep)
    groups = describe_groups(client, throttle, no_sleep, prefix=prefix)
    jobs = plan_jobs(lake, groups, options)
    ingestor = Ingestor(store=lake.store, prefix=lake.prefix, region=REGION)
    stats = Backfill(client, lake, ingestor, options, throttle, sleep=no_sleep).run(jobs)
    return stats, throttle


class PageFaults:
    """Hooked before FilterLogEvents is sent: answers ThrottlingException to the calls numbered in
    `throttle_calls`, and raises (a crash, as a kill would) at call `crash_at`."""

    def __init__(self, throttle_calls: set[int] | Callable[[int], bool] = frozenset(), crash_at: int = 0) -> None:
        self.calls = 0
        self.throttled = 0
        self.throttle_calls = throttle_calls
        self.crash_at = crash_at

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.calls += 1
        if self.crash_at and self.calls == self.crash_at:
            raise RuntimeError(f"killed at FilterLogEvents call {self.calls}")
        hit = self.throttle_calls(self.calls) if callable(self.throttle_calls) else self.calls in self.throttle_calls
        if not hit:
            return None
        self.throttled += 1
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        return AWSResponse(request.url, 400, {"x-amzn-RequestId": "injected"}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def hooked_client(faults: PageFaults) -> Any:
    client = logs_client(REGION)
    client.meta.events.register_first("before-send.cloudwatch-logs.FilterLogEvents", faults)
    return client


def test_a_full_backfill_writes_every_event_once(aws: None, tmp_path: Path) -> None:
    # Given two Lambda log groups with 3 and 2 streams spread over hours, and a group outside the prefix
    logs = boto3.client("logs", region_name=REGION)
    puts = put_history(logs, "/aws/lambda/orders", streams=3, per_stream=40)
    puts += put_history(logs, "/aws/lambda/billing", streams=2, per_stream=25, start=T0 + 5 * HOUR_MS)
    put_history(logs, "/ecs/other", streams=1, per_stream=5)
    # When the prefix is backfilled
    stats, _ = backfill(tmp_path / "lake", logs_client(REGION))
    # Then the lake holds exactly what was put under the prefix, each event once
    assert lake_events(tmp_path / "lake") == put_events(puts)
    ids = lake_ids(tmp_path / "lake")
    assert len(ids) == len(puts) and set(ids.values()) == {1}
    assert stats.events_written == len(puts) and stats.groups == 2


def test_a_rerun_of_a_finished_backfill_changes_nothing(aws: None, tmp_path: Path) -> None:
    # Given a finished backfill
    logs = boto3.client("logs", region_name=REGION)
    put_history(logs, "/aws/lambda/orders", streams=2, per_stream=30)
    backfill(tmp_path / "lake", logs_client(REGION))
    before = {key: (tmp_path / "lake" / key).read_bytes() for key in object_keys(tmp_path / "lake")}
    # When it is run again
    faults = PageFaults()
    stats, _ = backfill(tmp_path / "lake", hooked_client(faults))
    # Then nothing is read or written: the checkpoints say every group is complete
    assert faults.calls == 0 and stats.events_written == 0 and stats.groups_already_done == 1
    assert {key: (tmp_path / "lake" / key).read_bytes() for key in object_keys(tmp_path / "lake")} == before


def _deliver_live(logs: Any, lake: Path, group: str, since_ingestion: int) -> int:
    """What the subscription delivers: the events ingested from the filter's creation on, one payload per
    stream (ids, timestamps and messages as CloudWatch holds them), through the parser's handler."""
    events = logs.filter_log_events(logGroupName=group)["events"]
    live = [e for e in events if e["ingestionTime"] >= since_ingestion]
    ingestor = Ingestor(store=Lake.parse(str(lake)).store, prefix="", region=REGION)
    for stream in sorted({e["logStreamName"] for e in live}):
        payload = {
            "messageType": "DATA_MESSAGE",
            "owner": "123456789012",
            "logGroup": group,
            "logStream": stream,
            "subscriptionFilters": ["loglake"],
            "logEvents": [
                {"id": e["eventId"], "timestamp": e["timestamp"], "message": e["message"]}
                for e in live
                if e["logStreamName"] == stream
            ],
        }
        handle(awslogs_event(payload), ingestor)
    return len(live)


def _after_the_clock_moves() -> None:
    time.sleep(0.01)  # moto stamps ingestion and creation times with the wall clock, in milliseconds


def test_events_on_both_sides_of_the_live_boundary_are_in_the_lake_once(aws: None, tmp_path: Path) -> None:
    logs = boto3.client("logs", region_name=REGION)
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="loglake-logs", ShardCount=1)
    stream_arn = kinesis.describe_stream(StreamName="loglake-logs")["StreamDescription"]["StreamARN"]
    group = "/aws/lambda/orders"
    now = int(time.time() * 1000)
    # Given history ingested before the subscription, one event of it stamped an hour ahead of its ingestion
    history = put_history(logs, group, streams=2, per_stream=20, start=now - 6 * HOUR_MS, step_ms=600_000)
    stream = history[0].stream
    logs.put_log_events(
        logGroupName=group, logStreamName=stream, logEvents=[{"timestamp": now + HOUR_MS, "message": "ahead"}]
    )
    _after_the_clock_moves()
    # And the loglake subscription filter created then (its destination: the Kinesis mode stream)
    logs.put_subscription_filter(
        logGroupName=group,
        filterName="loglake",
        filterPattern="",
        destinationArn=stream_arn,
        roleArn="arn:aws:iam::123456789012:role/cwl-to-kinesis",
    )
    created = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"][0]["creationTime"]
    _after_the_clock_moves()
    # And events ingested after it: late ones stamped before the filter existed, and current ones
    late = [{"timestamp": now - 3 * HOUR_MS + i, "message": f"late line {i}"} for i in range(5)]
    current = [{"timestamp": now + 1_000 + i, "message": f"current line {i}"} for i in range(5)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=late + current)
    # When the subscription delivers its events and the backfill runs, in either order
    lake = tmp_path / "lake"
    delivered = _deliver_live(logs, lake, group, created)
    options = Options(since_ms=now - 24 * HOUR_MS, until_ms=now + 24 * HOUR_MS, window_ms=HOUR_MS, rate=1000.0)
    throttle = Throttle(ceiling=2, rate=1000.0, sleep=no_sleep)
    client = logs_client(REGION)
    jobs = plan_jobs(Lake.parse(str(lake)), describe_groups(client, throttle, no_sleep, names=[group]), options)
    stats = Backfill(
        client, Lake.parse(str(lake)), Ingestor(Lake.parse(str(lake)).store, "", REGION), options, throttle
    ).run(jobs)
    # Then every event CloudWatch holds is in the lake exactly once, whichever path brought it
    every = logs.filter_log_events(logGroupName=group)["events"]
    assert lake_ids(lake) == Counter(e["eventId"] for e in every)
    assert delivered == len(late) + len(current)
    assert stats.events_written == len(history) + 1  # the history and the event stamped ahead
    assert stats.events_live == len(late) + len(current)  # in the backfill's range, left to the subscription
    assert jobs[0].span.ingested_before == created


def test_throttled_pages_are_retried_and_none_is_lost(aws: None, tmp_path: Path) -> None:
    # Given history, and a quota that throttles every third FilterLogEvents call
    logs = boto3.client("logs", region_name=REGION)
    puts = put_history(logs, "/aws/lambda/orders", streams=3, per_stream=40)
    faults = PageFaults(throttle_calls=lambda n: n % 3 == 0)
    # When the backfill runs with room for 4 calls in flight
    _, throttle = backfill(tmp_path / "lake", hooked_client(faults), concurrency=4)
    # Then every throttled page was asked again: the lake holds every event once
    assert faults.throttled > 0 and throttle.aimd.throttles == faults.throttled
    assert lake_events(tmp_path / "lake") == put_events(puts)
    assert set(lake_ids(tmp_path / "lake").values()) == {1}


@pytest.mark.parametrize("crash_at", [5, 12, 40, 70])
def test_a_run_killed_mid_way_and_rerun_gives_the_same_lake(aws: None, tmp_path: Path, crash_at: int) -> None:
    # Given history, and the lake an unbroken run writes
    logs = boto3.client("logs", region_name=REGION)
    puts = put_history(logs, "/aws/lambda/orders", streams=3, per_stream=40)
    puts += put_history(logs, "/aws/lambda/billing", streams=2, per_stream=25)
    unbroken = PageFaults()
    backfill(tmp_path / "unbroken", hooked_client(unbroken), since=T0, concurrency=1)
    # When a run dies at a FilterLogEvents call, and the same command runs again
    with pytest.raises(RuntimeError, match="killed"):
        backfill(tmp_path / "lake", hooked_client(PageFaults(crash_at=crash_at)), since=T0, concurrency=1)
    partial = lake_ids(tmp_path / "lake")
    faults = PageFaults()
    backfill(tmp_path / "lake", hooked_client(faults), since=T0, concurrency=1)
    # Then the lake is the unbroken run's: the same objects, the same events, each once
    assert 0 < sum(partial.values()) < len(puts)
    if crash_at > 12:  # past the first window (9 pages): the rerun resumes from the checkpoints
        assert faults.calls < unbroken.calls
    assert object_keys(tmp_path / "lake") == object_keys(tmp_path / "unbroken")
    assert lake_ids(tmp_path / "lake") == lake_ids(tmp_path / "unbroken") == Counter(lake_ids(tmp_path / "lake").keys())
    assert lake_events(tmp_path / "lake") == put_events(puts)


def test_a_rerun_with_another_window_length_is_refused_rather_than_duplicating(aws: None, tmp_path: Path) -> None:
    # Given a group backfilled with one-hour windows (its object keys name them)
    logs = boto3.client("logs", region_name=REGION)
    put_history(logs, "/aws/lambda/orders", streams=1, per_stream=10)
    backfill(tmp_path / "lake", logs_client(REGION))
    keys = object_keys(tmp_path / "lake")
    # When it is run again with two-hour windows, then it stops before writing anything
    with pytest.raises(BackfillError, match="--window-hours 1"):
        backfill(tmp_path / "lake", logs_client(REGION), window_hours=2)
    assert object_keys(tmp_path / "lake") == keys
