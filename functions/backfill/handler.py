"""The backfill Lambda (optional: `backfillFunction=true` in serverless.yml): the CLI's code, one group at a time.

- `{"log_group_prefix": "/aws/lambda/", "since": "2026-01-01"}` (or `"log_groups": [...]`) fans out:
  one asynchronous invocation of this function per log group.
- `{"log_group": "/aws/lambda/orders", "since": ..., "until": ...}` backfills that group until
  LOGLAKE_BACKFILL_MARGIN_SECONDS are left, then invokes itself again with the same event: the group's
  checkpoint in the lake says where the next invocation resumes. A failed invocation is retried by
  Lambda and resumes the same way; nothing is written twice (object keys name their window).

Times are ISO 8601 or epoch milliseconds. The function's reserved concurrency times LOGLAKE_BACKFILL_RATE
(calls per second per invocation) stays under the account's FilterLogEvents quota.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import boto3
from botocore.config import Config

from functions.backfill.reader import describe_groups, logs_client
from functions.backfill.runner import Backfill, Lake, Options, plan_jobs
from functions.backfill.throttle import Throttle
from functions.compactor.store import S3LakeStore
from functions.env_settings import SettingsError, lake_location
from functions.parser.ingest import Ingestor
from functions.parser.redact import Redactor
from functions.parser.settings import Settings as ParserSettings


class Invoker(Protocol):
    def invoke(self, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class BackfillSettings:
    bucket: str
    prefix: str
    rate: float
    margin_s: float
    redactor: Redactor = field(default_factory=Redactor)  # the parser's rules (LOGLAKE_REDACT...)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> BackfillSettings:
        bucket, prefix = lake_location(env, "backfill function")
        try:
            rate = float(env.get("LOGLAKE_BACKFILL_RATE", "2") or 2)
            margin = float(env.get("LOGLAKE_BACKFILL_MARGIN_SECONDS", "120") or 120)
        except ValueError as error:
            raise SettingsError(f"LOGLAKE_BACKFILL_RATE / _MARGIN_SECONDS: {error}") from error
        return cls(bucket, prefix, rate, margin, ParserSettings.from_env(env).redactor)


def epoch_ms(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)


def handle(
    event: Mapping[str, Any],
    *,
    logs: Any,
    invoker: Invoker,
    lake: Lake,
    function_name: str,
    settings: BackfillSettings,
    remaining_s: float,
) -> dict[str, Any]:
    throttle = Throttle(ceiling=2, rate=settings.rate)
    if "log_group" not in event:
        names = event.get("log_groups")
        groups = describe_groups(logs, throttle, time.sleep, names=names, prefix=event.get("log_group_prefix"))
        for group in groups:
            _invoke(invoker, function_name, {**_times(event), "log_group": group.name})
        return {"invoked": [g.name for g in groups]}
    options = Options(
        since_ms=epoch_ms(event["since"]),
        until_ms=None if event.get("until") is None else epoch_ms(event["until"]),
        concurrency=2,
        rate=settings.rate,
    )
    groups = describe_groups(logs, throttle, time.sleep, names=[str(event["log_group"])])
    jobs = plan_jobs(lake, groups, options)
    ingestor = Ingestor(store=lake.store, prefix=lake.prefix, region=logs.meta.region_name, redactor=settings.redactor)
    deadline = time.monotonic() + remaining_s - settings.margin_s
    run = Backfill(logs, lake, ingestor, options, throttle, deadline=deadline)
    stats = run.run(jobs)
    if not run.finished:
        _invoke(invoker, function_name, dict(event))
    return {
        "log_group": event["log_group"],
        "events": stats.events_written,
        "windows": f"{stats.windows_done}/{stats.windows_total}",
        "continued": not run.finished,
    }


def _times(event: Mapping[str, Any]) -> dict[str, Any]:
    return {key: event[key] for key in ("since", "until") if event.get(key) is not None}


def _invoke(invoker: Invoker, function_name: str, payload: dict[str, Any]) -> None:
    invoker.invoke(FunctionName=function_name, InvocationType="Event", Payload=json.dumps(payload).encode())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = BackfillSettings.from_env()
    s3 = boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 5}))
    lake = Lake(S3LakeStore(s3, settings.bucket), settings.prefix, f"s3://{settings.bucket}/{settings.prefix}")
    return handle(
        event,
        logs=logs_client(),
        invoker=boto3.client("lambda"),
        lake=lake,
        function_name=context.function_name,
        settings=settings,
        remaining_s=context.get_remaining_time_in_millis() / 1000,
    )
