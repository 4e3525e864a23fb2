"""`loglake backfill`: bring a log group's CloudWatch history into the lake, exactly once next to live delivery.

    loglake backfill --lake ./lake --log-group-prefix /aws/lambda/ --since 2026-01-01
    loglake backfill --lake s3://bucket/lake/ --log-group /aws/lambda/orders --since 90d

Each group stops where its `loglake` subscription filter took over (events ingested from the filter's
creation time on are the subscription's); a group without one is read up to `--until`. Progress goes to
stderr; a killed or failed run is rerun with the same command and resumes from the checkpoints in
`<lake>/backfill/`, ending with the same lake an unbroken run writes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO, TypeVar

from functions import clock
from functions.backfill.reader import LOGLAKE_FILTER, BackfillError, describe_groups, logs_client
from functions.backfill.runner import Backfill, Options, Stats, plan_jobs
from functions.backfill.throttle import Throttle
from functions.parser.ingest import Ingestor
from functions.sinks.keys import DAY_MS, HOUR_MS
from loglake.commands.errors import UsageError
from loglake.commands.lakes import open_lake

EXIT_OK = 0
N = TypeVar("N", int, float)
_RELATIVE = re.compile(r"^(\d+)([dh])$")


def parse_time(text: str, now_ms: int) -> int:
    """ISO 8601 date or date-time (UTC unless it says otherwise), or `<n>d` / `<n>h` before now → epoch ms."""
    relative = _RELATIVE.match(text.strip())
    if relative:
        unit = DAY_MS if relative.group(2) == "d" else HOUR_MS
        return now_ms - int(relative.group(1)) * unit
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise UsageError(f"{text!r}: expected an ISO date/time or <n>d / <n>h") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _positive(kind: Callable[[str], N]) -> Callable[[str], N]:
    """An argparse type: a number of `kind` above zero."""

    def parse(text: str) -> N:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind.__name__}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0")
        return value

    return parse


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\n")[0] if __doc__ else None
    parser.add_argument("--lake", required=True, help="the lake: a folder or s3://bucket/prefix/")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--log-group", action="append", help="a log group to backfill (repeatable)")
    which.add_argument("--log-group-prefix", help="every log group whose name starts with this")
    parser.add_argument("--since", required=True, help="oldest event time: ISO date/time or e.g. 90d")
    parser.add_argument(
        "--until",
        default=None,
        help="newest event time, exclusive (default: a subscribed group's live boundary, others: now)",
    )
    parser.add_argument(
        "--live-since",
        default=None,
        help="the live boundary for every group, when an "
        "account-level subscription policy delivers them (its time; default: each group's filter)",
    )
    parser.add_argument("--filter-name", default=LOGLAKE_FILTER, help="the live subscription filter's name")
    parser.add_argument(
        "--concurrency", type=_positive(int), default=4, help="most FilterLogEvents calls in flight (4)"
    )
    parser.add_argument(
        "--rate",
        type=_positive(float),
        default=5.0,
        help="most FilterLogEvents calls per second (5: the default account quota; leave room for other callers)",
    )
    parser.add_argument("--window-hours", type=_positive(int), default=24, help="event time one task reads (24)")
    parser.add_argument("--region", default=None, help="AWS region (default: from the AWS config)")
    parser.add_argument("--endpoint-url", default=None, help="CloudWatch Logs endpoint (a moto server, locally)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, err: TextIO | None = None, out: TextIO | None = None) -> int:
    err, out = err or sys.stderr, out or sys.stdout
    now_ms = clock.now_ms()
    options = Options(
        since_ms=parse_time(args.since, now_ms),
        until_ms=None if args.until is None else parse_time(args.until, now_ms),
        window_ms=args.window_hours * HOUR_MS,
        concurrency=args.concurrency,
        rate=args.rate,
        live_since_ms=None if args.live_since is None else parse_time(args.live_since, now_ms),
    )
    lake = open_lake(args.lake, args.region)
    throttle = Throttle(ceiling=options.concurrency, rate=options.rate)
    client = logs_client(args.region, args.endpoint_url)
    try:
        groups = describe_groups(
            client,
            throttle,
            time.sleep,
            names=args.log_group,
            prefix=args.log_group_prefix,
            filter_name=args.filter_name,
        )
        jobs = plan_jobs(lake, groups, options)
        for job in jobs:
            where = (
                "no live subscription"
                if job.span.ingested_before is None
                else "live from " + _iso(job.span.ingested_before)
            )
            state = (
                "already complete"
                if not job.windows
                else f"{len(job.windows)} window(s)" + (", resumed" if job.resumed else "")
            )
            print(f"{job.info.name}: {_iso(job.span.start_ms)} → {_iso(job.span.end_ms)} ({where}); {state}", file=err)
        ingestor = Ingestor(store=lake.store, prefix=lake.prefix, region=client.meta.region_name)
        progress = ProgressLine(err)
        stats = Backfill(client, lake, ingestor, options, throttle).run(jobs, progress.show)
        progress.close()
    except BackfillError as error:  # what went wrong, and what to do about it
        raise BackfillError(f"{error}; rerun the same command to resume") from error
    print(summary(stats, throttle), file=out)
    return EXIT_OK


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")


def summary(stats: Stats, throttle: Throttle) -> str:
    elapsed = max(time.perf_counter() - stats.started, 1e-9)
    return (
        f"backfilled {stats.groups} group(s) ({stats.groups_already_done} already complete): "
        f"{stats.events_written:,} events in {stats.objects:,} objects ({stats.bytes / 1e6:,.1f} MB), "
        f"{stats.events_live:,} left to live delivery; {stats.events_written / elapsed:,.0f} events/s; "
        f"{throttle.aimd.throttles} throttled call(s), peak concurrency {throttle.aimd.peak:.1f}"
    )


class ProgressLine:
    """events, events/s, windows and ETA on one line: rewritten on a terminal, every few seconds otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.tty, self._last = stream, stream.isatty(), 0.0

    def show(self, stats: Stats) -> None:
        now = time.perf_counter()
        if now - self._last < (0.5 if self.tty else 5.0):
            return
        self._last = now
        elapsed = max(now - stats.started, 1e-9)
        rate = stats.events_written / elapsed
        left = stats.windows_total - stats.windows_done
        eta = "" if not stats.windows_done else f", ETA {elapsed * left / stats.windows_done:,.0f}s"
        text = (
            f"{stats.events_written:,} events ({rate:,.0f}/s), {stats.windows_done}/{stats.windows_total} windows{eta}"
        )
        self.stream.write(f"\r\x1b[2K{text}" if self.tty else text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
