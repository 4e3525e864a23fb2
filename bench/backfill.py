"""Scale run of `loglake backfill`: a synthetic account of 50 log groups and 1M events through the CLI into a
lake folder; prints events/s and resident memory (peak, and sampled along the run: flat = no growth).

    .venv/bin/python bench/backfill.py [--groups 50] [--events 1000000] [--concurrency 4] [--lake DIR]

No AWS and no moto server: CloudWatch Logs is answered at botocore's `before-send` hook of the default
session, so the CLI's real client sends, parses and pages real-shaped responses (DescribeLogGroups,
DescribeSubscriptionFilters, FilterLogEvents pages of at most ~1 MB) generated on demand — nothing is
held in memory but the page in hand. Each group has a `loglake` filter created at the end of its day:
every event was ingested before it, so all are backfilled. The API's own latency and its quota (5
FilterLogEvents calls per second by default) are not part of the figure; `--rate` caps calls per second.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from functions.sinks.keys import DAY_MS  # noqa: E402
from loglake.cli import main  # noqa: E402
from tests.functions.backfill.history import LINES  # noqa: E402

START_MS = 1_795_737_600_000  # a UTC midnight
STREAMS = 10
PAGE_BYTES = 1_000_000


class Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


class SyntheticAccount:
    """Answers the CloudWatch Logs calls of the backfill for `groups` groups of `per_group` events each."""

    def __init__(self, groups: int, per_group: int) -> None:
        self.names = [f"/aws/lambda/bench-{g:03d}" for g in range(groups)]
        self.per_group = per_group
        self.step = DAY_MS // per_group
        self.calls = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.calls += 1
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        body = json.loads(request.body or b"{}")
        answer = getattr(self, operation)(body)
        return AWSResponse(request.url, 200, {"x-amzn-RequestId": "bench"}, Raw(json.dumps(answer).encode()))

    def DescribeLogGroups(self, body: dict[str, Any]) -> dict[str, Any]:
        prefix = body.get("logGroupNamePrefix", "")
        groups = [
            {
                "logGroupName": name,
                "creationTime": START_MS,
                "storedBytes": 0,
                "arn": f"arn:aws:logs:eu-west-1:123456789012:log-group:{name}:*",
            }
            for name in self.names
            if name.startswith(prefix)
        ]
        return {"logGroups": groups}

    def DescribeSubscriptionFilters(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"subscriptionFilters": [{"filterName": "loglake", "creationTime": START_MS + DAY_MS}]}

    def FilterLogEvents(self, body: dict[str, Any]) -> dict[str, Any]:
        g = self.names.index(body["logGroupName"])
        first = max(0, -(-(body["startTime"] - START_MS) // self.step))
        last = min(self.per_group - 1, (body["endTime"] - START_MS) // self.step)
        i = max(first, int(body.get("nextToken", first)))
        events, size = [], 0
        while i <= last and size < PAGE_BYTES:
            ts = START_MS + i * self.step
            message = LINES[(i + g) % len(LINES)]
            events.append(
                {
                    "logStreamName": f"2026/11/27/[1]{(g * STREAMS + i % STREAMS):032x}",
                    "timestamp": ts,
                    "message": message,
                    "ingestionTime": ts + 1_000,
                    "eventId": f"{g:06d}{i:050d}",
                }
            )
            size += len(message) + 150
            i += 1
        return {"events": events, **({"nextToken": str(i)} if i <= last else {})}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--lake", type=Path, default=None)
    args = parser.parse_args()
    account = SyntheticAccount(args.groups, args.events // args.groups)
    boto3.setup_default_session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="eu-west-1")
    boto3.DEFAULT_SESSION.events.register_first("before-send.cloudwatch-logs", account)  # type: ignore[union-attr]
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            samples.append(rss_mb())

    lake = args.lake or Path(tempfile.mkdtemp(prefix="loglake-backfill-bench-"))
    print(f"{args.groups} groups x {args.events // args.groups:,} events -> {lake}; RSS before: {rss_mb():.0f} MB")
    threading.Thread(target=sample, daemon=True).start()
    started = time.perf_counter()
    command = ["backfill", "--lake", str(lake), "--log-group-prefix", "/aws/lambda/bench-", "--since", "2026-01-01"]
    code = main([*command, "--concurrency", str(args.concurrency), "--rate", str(args.rate), "--region", "eu-west-1"])
    elapsed = time.perf_counter() - started
    done.set()
    events = (args.events // args.groups) * args.groups
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tenth = max(1, len(samples) // 10)
    print(
        f"exit {code}; {events:,} events in {elapsed:,.1f} s = {events / elapsed:,.0f} events/s; "
        f"{account.calls} API calls"
    )
    print(
        f"peak RSS {peak:,.0f} MB; sampled RSS: first tenth max {max(samples[:tenth], default=0):,.0f} MB, "
        f"last tenth max {max(samples[-tenth:], default=0):,.0f} MB, overall max {max(samples, default=0):,.0f} MB"
    )


if __name__ == "__main__":
    main_bench()
