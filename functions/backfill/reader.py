"""The CloudWatch Logs edge of the backfill: which groups, where their live delivery starts, and their events.

History is read with FilterLogEvents, not export tasks: it returns each event's `eventId` — the id the
subscription's payloads carry and the lake's identity of an event — and its `ingestionTime`, which
places it on one side of the live boundary. An export task (CreateExportTask) writes text lines with
a timestamp and no event id, one task at a time per account, after a delay of up to 12 hours: nothing
to make the overlap with live delivery exactly once. FilterLogEvents' quota is a few requests per
second per account and Region (5 by default), shared with every other caller: `Throttle` keeps under it.

The client retries nothing itself: a throttled or failed page goes back to `Throttle` (AIMD) and is
asked again with the same token, so no page is skipped; an error that outlives the retries stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from functions.backfill.throttle import THROTTLING_CODES, Throttle, retry_delay
from functions.backfill.windows import FilteredEvent, Window
from functions.parser.decode import storable

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

T = TypeVar("T")
NO_SDK_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1}, max_pool_connections=32)
LOGLAKE_FILTER = "loglake"


class BackfillError(RuntimeError):
    """The backfill cannot go on (an API error that outlived its retries, a group that vanished)."""


@dataclass(frozen=True, slots=True)
class GroupInfo:
    name: str
    owner: str
    arn: str
    created_ms: int | None
    stored_bytes: int
    retention_days: int | None
    live_filter: str | None  # name of the subscription filter the boundary comes from
    live_since_ms: int | None  # its creation time: the live boundary


def logs_client(region: str | None = None, endpoint_url: str | None = None) -> CloudWatchLogsClient:
    return boto3.client("logs", region_name=region, endpoint_url=endpoint_url, config=NO_SDK_RETRIES)


def call(throttle: Throttle, fn: Callable[[], T], sleep: Callable[[float], None]) -> T:
    """One API call through the throttle, retried on throttling and transient errors."""
    attempt = 0
    while True:
        code: str | None
        try:
            with throttle.slot():
                result = fn()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            failure: Exception = error
        except BotoCoreError as error:  # connection errors, timeouts
            code, failure = None, error
        else:
            throttle.success()
            return result
        if code in THROTTLING_CODES:
            throttle.throttled()
        delay = retry_delay(code, attempt)
        if delay is None:
            raise BackfillError(f"{failure}") from failure
        attempt += 1
        sleep(delay)


def _owner(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def describe_groups(
    client: CloudWatchLogsClient,
    throttle: Throttle,
    sleep: Callable[[float], None],
    *,
    names: list[str] | None = None,
    prefix: str | None = None,
    filter_name: str = LOGLAKE_FILTER,
) -> list[GroupInfo]:
    """The named groups (each must exist) or every group under `prefix`, with their live boundary."""
    found: dict[str, dict[str, Any]] = {}
    for lookup in names if names else [prefix or ""]:
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"logGroupNamePrefix": lookup} if lookup else {}
            if token:
                kwargs["nextToken"] = token
            page = call(throttle, lambda kw=kwargs: client.describe_log_groups(**kw), sleep)  # type: ignore[misc]
            for raw in page.get("logGroups", []):
                if not names or raw["logGroupName"] == lookup:
                    found[raw["logGroupName"]] = dict(raw)
            token = page.get("nextToken")
            if not token:
                break
    missing = sorted(set(names or []) - set(found))
    if missing:
        raise BackfillError(f"no such log group: {', '.join(missing)}")
    return [_group_info(client, throttle, sleep, raw, filter_name) for _, raw in sorted(found.items())]


def _group_info(
    client: CloudWatchLogsClient,
    throttle: Throttle,
    sleep: Callable[[float], None],
    raw: dict[str, Any],
    filter_name: str,
) -> GroupInfo:
    name: str = raw["logGroupName"]
    response = call(throttle, lambda: client.describe_subscription_filters(logGroupName=name), sleep)
    live = next((f for f in response.get("subscriptionFilters", []) if f.get("filterName") == filter_name), None)
    arn = str(raw.get("logGroupArn") or raw.get("arn", ""))
    return GroupInfo(
        name=name,
        owner=_owner(arn),
        arn=arn.removesuffix(":*"),
        created_ms=raw.get("creationTime"),
        stored_bytes=int(raw.get("storedBytes", 0) or 0),
        retention_days=raw.get("retentionInDays"),
        live_filter=None if live is None else filter_name,
        live_since_ms=None if live is None else live.get("creationTime"),
    )


def read_window(
    client: CloudWatchLogsClient,
    throttle: Throttle,
    sleep: Callable[[float], None],
    group: str,
    window: Window,
    *,
    page_events: int | None = None,
) -> Iterator[FilteredEvent]:
    """Every event of `group` with a timestamp in the window, page after page (endTime is inclusive)."""
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"logGroupName": group, "startTime": window.start_ms, "endTime": window.end_ms - 1}
        if page_events:
            kwargs["limit"] = page_events
        if token:
            kwargs["nextToken"] = token
        page = call(throttle, lambda kw=kwargs: client.filter_log_events(**kw), sleep)  # type: ignore[misc]
        yield from _events(page.get("events", []))
        next_token = page.get("nextToken")
        if not next_token or next_token == token:
            return
        token = next_token


def _events(raw_events: list[Any]) -> Iterator[FilteredEvent]:
    for raw in raw_events:
        try:
            stream, event_id, message = storable([raw["logStreamName"], str(raw["eventId"]), raw["message"]])
            yield FilteredEvent(stream, event_id, int(raw["timestamp"]), int(raw["ingestionTime"]), message)
        except (KeyError, TypeError, ValueError) as error:
            raise BackfillError(f"FilterLogEvents returned an event without {error}: {raw!r:.200}") from error
