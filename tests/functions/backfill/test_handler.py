"""The backfill Lambda against moto's CloudWatch Logs and S3: fan-out per group, and a group backfilled over
several invocations that each stop before their time is up and hand over to the next.

Lambda's own `Invoke` is the one stub here (a recorder): moto runs invoked functions in Docker."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import boto3
import pyarrow.parquet as pq

from functions.backfill.handler import BackfillSettings, handle
from functions.backfill.reader import logs_client
from functions.backfill.runner import Lake
from tests.aws_fakes import REGION
from tests.functions.backfill.history import put_history

BUCKET = "lake-bucket"


class Invocations:
    def __init__(self) -> None:
        self.payloads: list[bytes] = []

    def invoke(self, **kwargs: Any) -> None:
        assert kwargs["InvocationType"] == "Event" and kwargs["FunctionName"] == "loglake-prod-backfill"
        self.payloads.append(kwargs["Payload"])


def lake_ids(s3: Any) -> Counter[str]:
    ids: Counter[str] = Counter()
    for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="lake/events/").get("Contents", []):
        body = s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        ids.update(pq.read_table(io.BytesIO(body), columns=["event_id"])["event_id"].to_pylist())
    return ids


def setup() -> tuple[Any, Lake, BackfillSettings]:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return s3, Lake.parse(f"s3://{BUCKET}/lake/", REGION), BackfillSettings(BUCKET, "lake/", rate=1000.0, margin_s=0)


def test_a_prefix_fans_out_one_invocation_per_group(aws: None) -> None:
    logs = boto3.client("logs", region_name=REGION)
    for name in ("/aws/lambda/a", "/aws/lambda/b", "/ecs/c"):
        logs.create_log_group(logGroupName=name)
    _, lake, settings = setup()
    invoker = Invocations()
    event = {"log_group_prefix": "/aws/lambda/", "since": "2026-01-01", "until": 1_797_000_000_000}
    result = handle(
        event,
        logs=logs_client(REGION),
        invoker=invoker,
        lake=lake,
        function_name="loglake-prod-backfill",
        settings=settings,
        remaining_s=900,
    )
    assert result == {"invoked": ["/aws/lambda/a", "/aws/lambda/b"]}
    assert [p.decode() for p in invoker.payloads] == [
        '{"since": "2026-01-01", "until": 1797000000000, "log_group": "/aws/lambda/a"}',
        '{"since": "2026-01-01", "until": 1797000000000, "log_group": "/aws/lambda/b"}',
    ]


def test_a_group_is_backfilled_over_invocations_that_hand_over_before_their_time_is_up(aws: None) -> None:
    # Given a group with events over 16 days of windows, and invocations with no time to spare
    logs = boto3.client("logs", region_name=REGION)
    puts = put_history(logs, "/aws/lambda/orders", streams=2, per_stream=30, step_ms=40 * 60_000)
    s3, lake, settings = setup()
    invoker = Invocations()
    event: dict[str, Any] = {"log_group": "/aws/lambda/orders", "since": 0, "until": 1_797_000_000_000}
    # When each invocation's follow-up is run in turn
    results = []
    while True:
        results.append(
            handle(
                event,
                logs=logs_client(REGION),
                invoker=invoker,
                lake=lake,
                function_name="loglake-prod-backfill",
                settings=settings,
                remaining_s=0,
            )
        )
        if not results[-1]["continued"]:
            break
        assert invoker.payloads[-1] == b'{"log_group": "/aws/lambda/orders", "since": 0, "until": 1797000000000}'
    # Then it took several invocations, and the lake holds every event once
    assert len(results) > 2 and len(invoker.payloads) == len(results) - 1
    assert lake_ids(s3) == Counter(
        e["eventId"] for e in logs.filter_log_events(logGroupName="/aws/lambda/orders")["events"]
    )
    assert sum(lake_ids(s3).values()) == len(puts)
