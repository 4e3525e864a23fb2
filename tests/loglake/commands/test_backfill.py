"""`loglake backfill` then `loglake groups plan|apply --after-backfill` against moto: the README's commands."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from loglake.cli import main
from loglake.commands import after_backfill
from tests.aws_fakes import REGION
from tests.functions.backfill.history import lake_events, put_events, put_history

GIB = 2**30
DAY_MS = 86_400_000


def subscribe(logs: Any, group: str) -> None:
    kinesis = boto3.client("kinesis", region_name=REGION)
    if not kinesis.list_streams()["StreamNames"]:
        kinesis.create_stream(StreamName="loglake-logs", ShardCount=1)
    arn = kinesis.describe_stream(StreamName="loglake-logs")["StreamDescription"]["StreamARN"]
    logs.put_subscription_filter(
        logGroupName=group, filterName="loglake", filterPattern="", destinationArn=arn, roleArn="arn:aws:iam::1:role/r"
    )


def test_backfill_then_plan_and_apply_a_shorter_retention(
    aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = boto3.client("logs", region_name=REGION)
    start = int(time.time() * 1000) - 3 * DAY_MS
    # Given two subscribed Lambda groups with history, and one not subscribed
    puts = put_history(logs, "/aws/lambda/orders", streams=2, per_stream=30, start=start)
    puts += put_history(logs, "/aws/lambda/billing", streams=1, per_stream=20, start=start)
    unsubscribed = put_history(logs, "/aws/lambda/legacy", streams=1, per_stream=10, start=start)
    time.sleep(0.01)
    subscribe(logs, "/aws/lambda/orders")
    subscribe(logs, "/aws/lambda/billing")
    lake = tmp_path / "lake"
    # When the groups are backfilled through the CLI
    args = ["backfill", "--lake", str(lake), "--log-group-prefix", "/aws/lambda/", "--since", "30d"]
    assert main([*args, "--rate", "200", "--region", REGION]) == 0
    assert "backfilled 3 group(s)" in capsys.readouterr().out
    # Then the lake holds all of their history
    assert lake_events(lake) == put_events(puts + unsubscribed)
    # When, 300 days after the groups were made, the plan after backfill is shown
    created = {g["logGroupName"]: g["creationTime"] for g in logs.describe_log_groups()["logGroups"]}
    later = max(created.values()) + 300 * DAY_MS
    monkeypatch.setattr(after_backfill.time, "time_ns", lambda: later * 1_000_000)
    price = 1_000_000.0  # per GB-month: makes the few bytes of the test show in cents
    plan = [
        "groups",
        "plan",
        "--after-backfill",
        "--lake",
        str(lake),
        "--region",
        REGION,
        "--storage-price",
        str(price),
    ]
    assert main(plan) == 0
    out = capsys.readouterr().out
    # Then the subscribed groups are proposed the rule's 30 days, saving 270/300 of their stored bytes
    stored = {
        g: sum(len(p.message) for p in puts if p.group == g) for g in ("/aws/lambda/orders", "/aws/lambda/billing")
    }
    for group, size in stored.items():
        held_days = (later - created[group]) / DAY_MS
        saving = size * (1 - 30 / held_days) / GIB * price
        assert saving > 1
        line = next(line for line in out.splitlines() if line.startswith(group))
        assert "never" in line and "30d" in line and f"${saving:,.2f}" in line
    assert "no loglake subscription" in next(line for line in out.splitlines() if line.startswith("/aws/lambda/legacy"))
    assert "2 of 3 group(s) fully in the lake; shortening 2" in out
    # And nothing changed; `apply --yes` changes the two covered groups only
    assert all("retentionInDays" not in g for g in logs.describe_log_groups()["logGroups"])
    assert main(["groups", "apply", "--after-backfill", "--lake", str(lake), "--region", REGION, "--yes"]) == 0
    retention = {g["logGroupName"]: g.get("retentionInDays") for g in logs.describe_log_groups()["logGroups"]}
    assert retention == {"/aws/lambda/orders": 30, "/aws/lambda/billing": 30, "/aws/lambda/legacy": None}


def test_backfill_needs_a_group_and_a_valid_time(aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backfill", "--lake", str(tmp_path), "--log-group", "/x", "--since", "last tuesday"]) == 2
    assert "expected an ISO date/time" in capsys.readouterr().err
    assert main(["backfill", "--lake", str(tmp_path), "--log-group", "/missing", "--since", "1d"]) == 1
    assert "no such log group: /missing" in capsys.readouterr().err
