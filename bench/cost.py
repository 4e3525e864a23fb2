"""Dollars per million events, direct mode vs Kinesis mode, from the parser and the compactor run in-process.

    .venv/bin/python bench/cost.py [--events-per-hour 60000] [--invocations 17,100] [--s3-wait-ms 30]
                                   [--generator ../shared/bench/gen_payloads.py] [--shards 4] [--cpu-speed 1.0]
                                   [--tracing Active|PassThrough]

No AWS. Deliveries from the shared generator (`gen_payloads.py`; 17 Lambda invocations a delivery make
~100 events, what CloudWatch sends for most groups, 100 make ~600), spread over one hour, go through
`functions/parser/wiring.py`: `handle_direct` once per delivery, `handle_kinesis` once per batch of
Kinesis records shaped as Lambda delivers them. The `Ingestor` writes through the real `S3Store` to an
in-memory S3 client that counts every request; the compactor, built as its Lambda builds it, then merges
that hour against the same bucket on a fake clock, run after scheduled run, until it is cleaned up.
Objects per invocation, bytes per event, GETs and PUTs are whatever the code does: nothing is assumed.

Lambda bills wall milliseconds x memory. This machine's CPU milliseconds (one core: Arrow limited to one
thread) stand in for them, scaled by `--cpu-speed` (this core vs a Lambda Graviton core; 1.0 unless you
know better) and by 1,769 MB / memorySize (below 1,769 MB a function gets that share of one vCPU), plus
`--s3-wait-ms` per S3 request (the time a request keeps the function waiting: an assumption, see
docs/cost.md), rounded up to a whole millisecond per invocation. The stack's settings come from
serverless.yml, its `tracing` param included (`--tracing` overrides it): with tracing Active the X-Ray
traces are part of the total, otherwise the table shows what turning it on would add. Prints markdown;
asserts nothing (cost is measured, not tested).
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import io
import json
import math
import random
import re
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import yaml  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from functions.compactor.compact import Compactor, RunSummary  # noqa: E402
from functions.compactor.handler import run as scheduled_run  # noqa: E402
from functions.compactor.lease import Lease  # noqa: E402
from functions.compactor.settings import CompactorSettings  # noqa: E402
from functions.compactor.store import S3LakeStore  # noqa: E402
from functions.parser.ingest import Ingestor  # noqa: E402
from functions.parser.settings import Settings  # noqa: E402
from functions.parser.wiring import handle_direct, handle_kinesis  # noqa: E402
from functions.sinks.keys import HOUR_MS, partition_of_hour  # noqa: E402
from functions.sinks.s3_parquet import S3Store  # noqa: E402
from loglake.engine import LocalEngine  # noqa: E402
from loglake.questions import load_questions  # noqa: E402
from loglake.synth.payloads import kinesis_event  # noqa: E402
from schemas.events import EVENTS  # noqa: E402

# AWS list prices, us-east-1, read on 2026-12-01 through the project's search tool (the page each one
# comes from is named in docs/cost.md). None: no stored page confirmed the rate; the table prints "?".
PRICES: dict[str, float | None] = {
    "lambda_request": 0.20 / 1e6,  # per request
    "lambda_gb_second_arm": 0.0000133334,  # Arm, first 7.5 billion GB-s a month
    "s3_put": 0.005 / 1000,  # S3 Standard: PUT, COPY, POST, LIST requests
    "s3_get": 0.0004 / 1000,  # S3 Standard: GET and the other requests (DELETE is free)
    "s3_gb_month": 0.023,  # S3 Standard, first 50 TB a month
    "athena_tb": 5.0,  # per TB scanned, rounded up to the MB, 10 MB minimum per query
    "cwlogs_ingest_gb": 0.50,  # CloudWatch Logs, Standard log class: ingestion
    "cwlogs_gb_month": 0.03,  # CloudWatch Logs: storage
    "xray_trace": 5.0 / 1e6,  # X-Ray: traces recorded (after 100,000 free a month)
    "kinesis_on_demand_stream_hour": None,  # not confirmed by any stored page
    "kinesis_on_demand_gb_in": None,  # not confirmed (each record is billed rounded up to 1 KiB)
    "kinesis_on_demand_gb_out": None,  # not confirmed
    "kinesis_provisioned_shard_hour": 0.015,  # the other mode, for comparison
}
LAMBDA_VCPU_MB = 1769  # a function gets one full vCPU at this memory size
LAMBDA_EVENT_BYTES = 6 * 1024 * 1024  # a Kinesis batch also closes at 6 MB of records (Lambda's payload limit)
XRAY_RESERVOIR_PER_S, XRAY_RATE = 1, 0.05  # X-Ray's default rule: the first request each second, 5% of the rest
HOURS_PER_MONTH = 730
MILLION, GIB, TB, MB = 1_000_000, 1024**3, 10**12, 10**6
ATHENA_MINIMUM_BYTES = 10 * MB
HOUR0 = 1_795_737_600_000  # the measured hour starts here (2026-11-27T00:00Z)
# the shared benchmarks' generator: next to the main checkout (/work/shared) or to a worktree's parent
_GENERATORS = [
    REPO.parent / "shared" / "bench" / "gen_payloads.py",
    REPO.parent.parent / "shared" / "bench" / "gen_payloads.py",
]
DEFAULT_GENERATOR = next((p for p in _GENERATORS if p.is_file()), _GENERATORS[0])
Payload = dict[str, Any]


# ---------------------------------------------------------------- the stack, as serverless.yml has it


class _StackLoader(yaml.SafeLoader):
    """serverless.yml with its CloudFormation tags (!Ref, !Sub, ...) read as nothing."""


_StackLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Stack:
    architecture: str
    parser_mb: int
    kinesis_parser_mb: int
    compactor_mb: int
    batch_size: int
    batch_window_s: int
    parallelization: int
    stream_mode: str
    compact_every_min: int
    params: dict[str, Any]

    @property
    def traced(self) -> bool:
        """The parser functions' X-Ray tracing: the `tracing` param is Active (serverless.yml)."""
        return bool(self.params["tracing"] == "Active")

    @classmethod
    def read(cls, path: Path = REPO / "serverless.yml") -> Stack:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_StackLoader)
        functions = doc["functions"]
        (stream,) = [e["stream"] for e in functions["parserKinesis"]["events"] if "stream" in e]
        (schedule,) = [e["schedule"] for e in functions["compactor"]["events"] if "schedule" in e]
        every, unit = schedule["rate"].removeprefix("rate(").removesuffix(")").split()
        return cls(
            architecture=doc["provider"]["architecture"],
            parser_mb=int(functions["parser"]["memorySize"]),
            kinesis_parser_mb=int(functions["parserKinesis"]["memorySize"]),
            compactor_mb=int(functions["compactor"]["memorySize"]),
            batch_size=int(stream["batchSize"]),
            batch_window_s=int(stream.get("batchWindow", 0)),
            parallelization=int(stream.get("parallelizationFactor", 1)),
            stream_mode=doc["resources"]["Resources"]["LogStream"]["Properties"]["StreamModeDetails"]["StreamMode"],
            compact_every_min=int(every) * (60 if unit.startswith("hour") else 1),
            params=doc["params"]["default"],
        )

    def parser_settings(self) -> Settings:
        p = self.params
        env = {"LOGLAKE_BUCKET": "lake", "LOGLAKE_PREFIX": p["lakePrefix"], "AWS_REGION": "us-east-1"}
        return Settings.from_env({**env, "LOGLAKE_REDACT": p["redact"], "LOGLAKE_REDACT_PATTERNS": p["redactPatterns"]})

    def compactor_settings(self) -> CompactorSettings:
        names = ("TARGET_MB", "GRACE_SECONDS", "CLOSE_AFTER_MINUTES", "LOOKBACK_HOURS", "LEASE_MINUTES")
        params = ("compactTargetMb", "compactGraceSeconds", "compactCloseAfterMinutes", "compactLookbackHours")
        env = {
            f"LOGLAKE_COMPACT_{n}": str(self.params[p])
            for n, p in zip(names, (*params, "compactLeaseMinutes"), strict=True)
        }
        return CompactorSettings.from_env(
            {**env, "LOGLAKE_BUCKET": "lake", "LOGLAKE_PREFIX": self.params["lakePrefix"]}
        )


# ---------------------------------------------------------------- an S3 that counts


class _Pages:
    def __init__(self, s3: CountingS3) -> None:
        self._s3 = s3

    def paginate(self, Bucket: str, Prefix: str = "") -> Iterator[dict[str, Any]]:
        keys = sorted(k for k in self._s3.objects if k.startswith(Prefix))
        for start in range(0, max(1, len(keys)), 1000):  # a LIST request returns up to 1,000 keys
            self._s3.requests["LIST"] += 1
            yield {"Contents": [self._s3.listing(k) for k in keys[start : start + 1000]]}


@dataclass
class CountingS3:
    """The boto3 calls `S3Store` and `S3LakeStore` make, served from memory and counted by request type."""

    clock: Callable[[], int] = lambda: HOUR0
    objects: dict[str, tuple[bytes, str, int]] = field(default_factory=dict)  # key: (body, ETag, modified ms)
    requests: Counter[str] = field(default_factory=Counter)
    bytes_put: int = 0

    def listing(self, key: str) -> dict[str, Any]:
        body, _, modified = self.objects[key]
        return {"Key": key, "Size": len(body), "LastModified": datetime.fromtimestamp(modified / 1000, UTC)}

    def put_object(self, *, Key: str, Body: Any, IfNoneMatch: str = "", IfMatch: str = "", **_: Any) -> Any:
        self.requests["PUT"] += 1
        data = Body if isinstance(Body, bytes) else Body.read()
        current = self.objects.get(Key)
        if (IfNoneMatch and current) or (IfMatch and (current is None or current[1] != IfMatch)):
            raise ClientError({"Error": {"Code": "PreconditionFailed"}}, "PutObject")
        etag = f'"{sum(self.requests.values())}"'
        self.objects[Key] = (data, etag, self.clock())
        self.bytes_put += len(data)
        return {"ETag": etag}

    def get_object(self, *, Key: str, **_: Any) -> Any:
        self.requests["GET"] += 1
        if Key not in self.objects:
            raise ClientError({"Error": {"Code": "NoSuchKey"}}, "GetObject")
        body, etag, _modified = self.objects[Key]
        return {"Body": io.BytesIO(body), "ETag": etag}

    def delete_object(self, *, Key: str, **_: Any) -> Any:
        self.requests["DELETE"] += 1
        self.objects.pop(Key, None)
        return {}

    def get_paginator(self, name: str) -> _Pages:
        if name != "list_objects_v2":
            raise NotImplementedError(name)
        return _Pages(self)

    def under(self, prefix: str) -> dict[str, bytes]:
        return {k: body for k, (body, _, _) in self.objects.items() if k.startswith(prefix)}


def _spent(s3: CountingS3, call: Callable[[], Any]) -> tuple[float, Counter[str], Any]:
    """CPU milliseconds of `call`, the S3 requests it made, and what it returned."""
    before = Counter(s3.requests)
    started = time.process_time()
    result = call()
    return (time.process_time() - started) * 1000, Counter(s3.requests) - before, result


# ---------------------------------------------------------------- the parser


@dataclass
class Invocations:
    """What one function did over the measured hour: per invocation CPU ms and S3 requests, and totals."""

    cpu_ms: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    totals: Counter[str] = field(default_factory=Counter)
    events: int = 0


def run_parser(stack: Stack, s3: CountingS3, events: list[Payload], kinesis: bool) -> Invocations:
    """Each trigger event through the parser's wiring: one call is one Lambda invocation."""
    settings = stack.parser_settings()
    store = S3Store(s3, settings.bucket)  # type: ignore[arg-type]  # the fake answers the calls S3Store makes
    ingestor = Ingestor(store=store, prefix=settings.prefix, region=settings.region, redactor=settings.redactor)
    handle = handle_kinesis if kinesis else handle_direct
    out = Invocations()
    for event in events:
        cpu, spent, (summary, _) = _spent(s3, functools.partial(handle, event, ingestor))
        if summary.failed_items:
            raise RuntimeError(f"the parser failed Kinesis records: {summary.failed_items[:3]}")
        out.cpu_ms.append(cpu)
        out.requests.append(sum(spent.values()))
        out.totals += spent
        out.events += summary.events_in
    return out


def kinesis_batches(deliveries: list[Payload], sizes: list[int]) -> list[Payload]:
    """The deliveries as Kinesis records (one each, as CloudWatch Logs puts them), `sizes[i]` per event."""
    events, start = [], 0
    for size in sizes:
        events.append(kinesis_event(deliveries[start : start + size], first=start))
        start += size
    return events


def batch_cap(deliveries: list[Payload], batch_size: int) -> int:
    """Records a batch holds at most: `batchSize`, or as many as fit in Lambda's 6 MB event (the records as
    Lambda hands them over, JSON with base64 data; the mean record of these deliveries)."""
    event_bytes = statistics.mean(len(json.dumps(r)) for r in kinesis_event(deliveries)["Records"])
    return max(1, min(batch_size, int(LAMBDA_EVENT_BYTES // event_bytes)))


def poisson(mean: float, rng: random.Random) -> int:
    """A Poisson(`mean`) draw: Knuth's sampler on pieces of at most 100 (a sum of Poissons is Poisson), so
    exp(-mean) never underflows at the large means a 60 s window gives."""
    count = 0
    while mean > 0:
        piece = min(mean, 100.0)
        mean -= piece
        threshold, p = math.exp(-piece), rng.random()
        while p > threshold:
            count += 1
            p *= rng.random()
    return count


def window_batches(count: int, cap: int, arrivals_in_window: float, rng: random.Random) -> list[int]:
    """Records per batch when the first record opens the batch window and Poisson(`arrivals_in_window`)
    more arrive before it closes, at most `cap`."""
    sizes: list[int] = []
    while (left := count - sum(sizes)) > 0:
        sizes.append(min(cap, 1 + poisson(arrivals_in_window, rng), left))
    return sizes


# ---------------------------------------------------------------- the compactor


@dataclass
class Compaction:
    runs: int  # scheduled runs from the hour's close until it was merged, committed and cleaned up
    cpu_ms: list[float]
    requests: list[int]
    totals: Counter[str]
    summary: RunSummary
    stored_bytes: int  # what the hour keeps in the lake afterwards (objects and commit records)
    steady_run: Counter[str]  # a run over the hour once it is finished: what every run costs anyway
    steady_ms: float
    busy_run: Counter[str]  # one scheduled run over a lookback whose every hour is compacted like this one
    busy_run_ms: float
    empty_run: Counter[str]  # one scheduled run over an empty lake

    @property
    def marginal_requests(self) -> Counter[str]:
        """The requests compacting the hour added to the runs the schedule makes anyway."""
        return self.totals - Counter({k: v * self.runs for k, v in self.steady_run.items()})

    @property
    def marginal_ms(self) -> float:
        return max(0.0, sum(self.cpu_ms) - self.runs * self.steady_ms)


def _compactor(stack: Stack, s3: CountingS3, workdir: str) -> tuple[Compactor, int]:
    settings = stack.compactor_settings()
    store = S3LakeStore(s3, settings.bucket)  # type: ignore[arg-type]  # the fake answers S3LakeStore's calls

    def clock() -> int:  # late-bound: the caller moves the fake clock
        return s3.clock()

    lease = Lease(store, settings.prefix, ttl_ms=settings.lease_ms, clock=clock)
    config = replace(settings.config, workdir=workdir)
    return Compactor(store, settings.prefix, config, clock=clock, lease=lease), settings.lookback_hours


def run_compactor(stack: Stack, s3: CountingS3, workdir: str) -> Compaction:
    """The measured hour's compaction, scheduled run after run from the hour's close until it is cleaned up;
    then what a run costs once the hour is finished, and a whole scheduled run over a busy and an empty lake."""
    compactor, lookback = _compactor(stack, s3, workdir)
    every = stack.compact_every_min * 60_000
    now = [HOUR0 + HOUR_MS + compactor.config.close_after_ms - every]
    s3.clock = lambda: now[0]
    part = partition_of_hour(HOUR0 // HOUR_MS)
    data = f"{compactor.prefix}events/{part.path}/"
    inputs = len(s3.under(data))
    cpu: list[float] = []
    requests: list[int] = []
    totals, total = Counter[str](), RunSummary()
    while len(cpu) < 50:
        now[0] += every
        ms, spent, one = _spent(s3, lambda: compactor.run([part]))
        cpu.append(ms)
        requests.append(sum(spent.values()))
        totals += spent
        for name in ("committed", "files_in", "files_out", "rows", "duplicates", "deleted", "garbage", "failed"):
            setattr(total, name, getattr(total, name) + getattr(one, name))
        finished = total.deleted >= inputs and not s3.under(f"{compactor.prefix}compaction/pending/")
        if total.failed or finished or inputs < compactor.config.min_files:  # too few objects: never merged
            break
    stored = sum(len(b) for b in s3.under(data).values())
    stored += sum(len(b) for b in s3.under(f"{compactor.prefix}events_commits/{part.path}/").values())
    now[0] += every
    steady_ms, steady, _ = _spent(s3, lambda: compactor.run([part]))
    busy_ms, busy = _busy_run(stack, s3, part.path, now=now[0], lookback=lookback, workdir=workdir)
    empty = CountingS3(clock=s3.clock)
    _, empty_run, _ = _spent(empty, lambda: scheduled_run(_compactor(stack, empty, workdir)[0], lookback))
    return Compaction(len(cpu), cpu, requests, totals, total, stored, steady, steady_ms, busy, busy_ms, empty_run)


def _busy_run(
    stack: Stack, s3: CountingS3, path: str, *, now: int, lookback: int, workdir: str
) -> tuple[float, Counter[str]]:
    """One scheduled run over a lake whose every lookback hour holds a copy of the compacted hour."""
    lake = CountingS3(clock=s3.clock)
    for hour in range(lookback + 1):
        other = partition_of_hour((now - hour * HOUR_MS) // HOUR_MS).path
        for key, (body, etag, modified) in s3.objects.items():
            if f"/{path}/" in key:
                lake.objects[key.replace(f"/{path}/", f"/{other}/")] = (body, etag, modified)
    compactor, _ = _compactor(stack, lake, workdir)
    ms, requests, _ = _spent(lake, lambda: scheduled_run(compactor, lookback))
    return ms, requests


# ---------------------------------------------------------------- Athena: bytes the saved questions scan


def question_columns(lake: Path) -> dict[str, set[str]]:
    """Per saved question, the columns of `events` its plan reads from Parquet (projected or filtered),
    asked of the local engine's plan for the same views Athena runs."""
    engine = LocalEngine(lake, allow_writes=True)
    names = {column.name for column in EVENTS.columns}  # objects leave out their empty columns: ask the schema
    out: dict[str, set[str]] = {}
    for question in load_questions():
        statement = engine.cache.statement(question.sql, engine._compiled, read_only=False)
        engine._prepare(statement.uses)
        plan = json.loads(engine.con.execute("EXPLAIN (FORMAT json) " + statement.duckdb).fetchall()[0][1])
        out[question.name] = _scanned(plan, names)
    return out


def _scanned(nodes: list[dict[str, Any]], names: set[str]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        info = node.get("extra_info", {})
        if "PARQUET" in str(info.get("Function", "")).upper():
            projected = info.get("Projections", [])
            found |= names & set([projected] if isinstance(projected, str) else projected)
            filters = str(info.get("Filters", ""))
            found |= {n for n in names if re.search(rf"\b{re.escape(n)}\b", filters)}
        found |= _scanned(node.get("children", []), names)
    return found


def scan_bytes(lake: Path, columns: set[str]) -> int:
    """Bytes a scan of `columns` reads from every object of the lake: each footer, the column chunks of those
    columns, and the commit records whole (the `events` view reads them to know which objects are live)."""
    size = sum(p.stat().st_size for p in (lake / "events_commits").rglob("*.parquet"))
    for path in (lake / "events").rglob("*.parquet"):
        meta = pq.ParquetFile(path).metadata
        size += meta.serialized_size
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            chunks = (group.column(i) for i in range(group.num_columns))
            size += sum(c.total_compressed_size for c in chunks if c.path_in_schema in columns)
    return size


def dump_lake(s3: CountingS3, prefix: str, folder: Path) -> Path:
    for key, body in s3.under(prefix).items():
        path = folder / key[len(prefix) :]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return folder


# ---------------------------------------------------------------- one scenario: a mode, a delivery size


def hour_of_deliveries(
    payload: Callable[..., tuple[Payload, int]], invocations: int, events_per_hour: int
) -> list[Payload]:
    """Deliveries of `invocations` Lambda invocations each (~6 events an invocation), evenly over one hour."""
    rng = random.Random(42)
    count = max(1, round(events_per_hour / (invocations * 6)))
    step = (HOUR_MS - 60_000) // count  # a delivery spans a few seconds: the last one ends inside the hour
    return [payload(rng, HOUR0 + i * step, invocations, f"fn-{i % 7}")[0] for i in range(count)]


def decoded(delivery: Payload) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(delivery["awslogs"]["data"])))
    return doc


@dataclass
class Scenario:
    deliveries: int
    batch_sizes: list[int] | None  # Kinesis records per invocation; None: direct mode
    memory_mb: int
    compactor_mb: int
    parser: Invocations
    parser_bytes: int  # Parquet bytes the parser wrote
    record_bytes: list[int]  # each delivery as a Kinesis record (gzip JSON, as CloudWatch Logs puts it)
    message_bytes: int  # the log events' text, what the source log groups ingest
    compaction: Compaction
    lake_before: Path  # the hour as the parser left it
    lake_after: Path  # the hour after compaction

    @property
    def events(self) -> int:
        return self.parser.events


def measure(stack: Stack, deliveries: list[Payload], batch_sizes: list[int] | None, workdir: Path) -> Scenario:
    """One hour of deliveries through the parser (direct, or Kinesis batches of `batch_sizes`), then the compactor."""
    s3 = CountingS3()
    kinesis = batch_sizes is not None
    events = kinesis_batches(deliveries, batch_sizes) if batch_sizes is not None else deliveries
    parser = run_parser(stack, s3, events, kinesis)
    parser_bytes = s3.bytes_put
    prefix = stack.parser_settings().prefix
    before = dump_lake(s3, prefix, workdir / "before")
    compaction = run_compactor(stack, s3, str(workdir))
    return Scenario(
        deliveries=len(deliveries),
        batch_sizes=batch_sizes,
        memory_mb=stack.kinesis_parser_mb if kinesis else stack.parser_mb,
        parser=parser,
        compactor_mb=stack.compactor_mb,
        parser_bytes=parser_bytes,
        record_bytes=[len(base64.b64decode(d["awslogs"]["data"])) for d in deliveries],
        message_bytes=sum(len(e["message"].encode()) for d in deliveries for e in decoded(d)["logEvents"]),
        compaction=compaction,
        lake_before=before,
        lake_after=dump_lake(s3, prefix, workdir / "after"),
    )


# ---------------------------------------------------------------- dollars


@dataclass(frozen=True)
class Model:
    s3_wait_ms: float
    cpu_speed: float

    def billed_ms(self, cpu_ms: float, requests: int, memory_mb: int) -> int:
        scale = self.cpu_speed * max(1.0, LAMBDA_VCPU_MB / memory_mb)
        return math.ceil(cpu_ms * scale + requests * self.s3_wait_ms)

    def lambda_dollars(self, cpu_ms: list[float], requests: list[int], memory_mb: int) -> tuple[float, float]:
        """(request charges, duration charges) of these invocations."""
        ms = sum(self.billed_ms(c, r, memory_mb) for c, r in zip(cpu_ms, requests, strict=True))
        return len(cpu_ms) * _price("lambda_request"), ms / 1000 * memory_mb / 1024 * _price("lambda_gb_second_arm")


def _price(name: str) -> float:
    price = PRICES[name]
    if price is None:
        raise KeyError(name)
    return price


def _maybe(name: str, quantity: float) -> float | None:
    price = PRICES[name]
    return None if price is None else price * quantity


def s3_request_dollars(requests: Counter[str]) -> float:
    return (requests["PUT"] + requests["LIST"]) * _price("s3_put") + requests["GET"] * _price("s3_get")


def xray_traces(invocations: int) -> float:
    """Traces X-Ray's default rule records in an hour of `invocations` spread evenly over it."""
    reservoir = XRAY_RESERVOIR_PER_S * 3600
    return min(invocations, reservoir) + XRAY_RATE * max(0, invocations - reservoir)


def cost_rows(s: Scenario, model: Model) -> dict[str, float | None]:
    """$ per million events, component by component (None: the price is not confirmed)."""
    per = MILLION / s.events
    requests, duration = model.lambda_dollars(s.parser.cpu_ms, s.parser.requests, s.memory_mb)
    c = s.compaction
    added_ms = model.billed_ms(c.marginal_ms, sum(c.marginal_requests.values()), s.compactor_mb)
    rows: dict[str, float | None] = {
        "parser: Lambda requests": requests,
        "parser: Lambda GB-seconds": duration,
        "parser: S3 requests": s3_request_dollars(s.parser.totals),
        "parser: X-Ray traces": xray_traces(len(s.parser.cpu_ms)) * _price("xray_trace"),
    }
    if s.batch_sizes is not None:
        billed_in = sum(math.ceil(b / 1024) * 1024 for b in s.record_bytes) / GIB
        rows["Kinesis on-demand: data in"] = _maybe("kinesis_on_demand_gb_in", billed_in)
        rows["Kinesis on-demand: data out"] = _maybe("kinesis_on_demand_gb_out", sum(s.record_bytes) / GIB)
    rows["compactor: Lambda GB-seconds"] = added_ms / 1000 * s.compactor_mb / 1024 * _price("lambda_gb_second_arm")
    rows["compactor: S3 requests"] = s3_request_dollars(c.marginal_requests)
    return {name: None if value is None else value * per for name, value in rows.items()}


# ---------------------------------------------------------------- the report


def _dollars(value: float | None) -> str:
    return "?" if value is None else f"{value:.4f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def facts_table(scenarios: dict[str, Scenario], model: Model) -> str:
    def row(name: str, figure: Callable[[Scenario], str]) -> list[str]:
        return [name, *(figure(s) for s in scenarios.values())]

    def billed(s: Scenario) -> float:
        return statistics.mean(
            model.billed_ms(c, r, s.memory_mb) for c, r in zip(s.parser.cpu_ms, s.parser.requests, strict=True)
        )

    rows = [
        row("events in the hour", lambda s: f"{s.events:,}"),
        row("events per delivery (mean)", lambda s: f"{s.events / s.deliveries:.0f}"),
        row("parser invocations", lambda s: f"{len(s.parser.cpu_ms):,}"),
        row(
            "Kinesis records per invocation (mean)",
            lambda s: "-" if s.batch_sizes is None else f"{statistics.mean(s.batch_sizes):.2f}",
        ),
        row("parser S3 PUTs", lambda s: f"{s.parser.totals['PUT']:,}"),
        row("parser S3 PUTs per invocation", lambda s: f"{s.parser.totals['PUT'] / len(s.parser.cpu_ms):.2f}"),
        row("Parquet bytes per event, as the parser wrote them", lambda s: f"{s.parser_bytes / s.events:.1f}"),
        row("parser CPU ms per invocation (median)", lambda s: f"{statistics.median(s.parser.cpu_ms):.1f}"),
        row("parser billed ms per invocation (mean, model)", lambda s: f"{billed(s):.1f}"),
        row("Kinesis record bytes per delivery (mean)", lambda s: f"{statistics.mean(s.record_bytes):,.0f}"),
        row("Kinesis GiB per million events: in (billed per KiB) / out", kinesis_gib),
        row("compactor runs until the hour is finished", lambda s: str(s.compaction.runs)),
        row(
            "compactor objects in → out",
            lambda s: f"{s.compaction.summary.files_in} → {s.compaction.summary.files_out}",
        ),
        row(
            "compactor S3 GET / PUT / LIST / DELETE",
            lambda s: " / ".join(str(s.compaction.totals[k]) for k in ("GET", "PUT", "LIST", "DELETE")),
        ),
        row(
            "  of which the hour added (beyond runs of a finished hour)",
            lambda s: " / ".join(str(s.compaction.marginal_requests[k]) for k in ("GET", "PUT", "LIST", "DELETE")),
        ),
        row(
            "compactor CPU ms (all runs / added by the hour)",
            lambda s: f"{sum(s.compaction.cpu_ms):.0f} / {s.compaction.marginal_ms:.0f}",
        ),
        row("lake bytes per event after compaction", lambda s: f"{s.compaction.stored_bytes / s.events:.1f}"),
    ]
    return _table(["one hour", *scenarios], rows)


def kinesis_gib(s: Scenario) -> str:
    if s.batch_sizes is None:
        return "-"
    billed_in = sum(math.ceil(b / 1024) * 1024 for b in s.record_bytes) / GIB * MILLION / s.events
    return f"{billed_in:.4f} / {sum(s.record_bytes) / GIB * MILLION / s.events:.4f}"


XRAY_ROW = "parser: X-Ray traces"


def cost_table(scenarios: dict[str, Scenario], model: Model, traced: bool) -> str:
    """The cost rows and their total; without tracing, the X-Ray row is left out of the total and shown
    after it as what `tracing=Active` would add."""
    columns = {name: cost_rows(s, model) for name, s in scenarios.items()}
    xray = {name: c.pop(XRAY_ROW) for name, c in columns.items()} if not traced else {}
    names = list(dict.fromkeys(n for c in columns.values() for n in c))
    rows = [[n, *(_dollars(c[n]) if n in c else "-" for c in columns.values())] for n in names]
    totals = []
    for c in columns.values():
        known = sum(v for v in c.values() if v is not None)
        totals.append(f"**{known:.4f}**" + (" + ?" if None in c.values() else ""))
    rows.append([f"**total** (tracing {'Active' if traced else 'PassThrough'})", *totals])
    if xray:
        rows.append([f"`tracing=Active` adds: {XRAY_ROW}", *(_dollars(v) for v in xray.values())])
    storage = [
        _dollars(s.compaction.stored_bytes / s.events * MILLION / GIB * _price("s3_gb_month"))
        for s in scenarios.values()
    ]
    rows.append(["S3 storage, per month kept (after compaction)", *storage])
    return _table(["$ per million events", *scenarios], rows)


def fixed_table(stack: Stack, scenario: Scenario, model: Model, shards: int) -> str:
    runs = 60 // stack.compact_every_min * HOURS_PER_MONTH
    c = scenario.compaction

    def monthly(requests: Counter[str], cpu_ms: float) -> str:
        invocation, duration = model.lambda_dollars([cpu_ms], [sum(requests.values())], stack.compactor_mb)
        per_run = invocation + duration + s3_request_dollars(requests)
        shown = " / ".join(f"{requests[k]} {k}" for k in ("LIST", "GET", "PUT") if requests[k])
        return f"{runs:,} runs x ({shown}) = ${per_run * runs:.2f}"

    stream = _maybe("kinesis_on_demand_stream_hour", HOURS_PER_MONTH)
    shard = _price("kinesis_provisioned_shard_hour") * HOURS_PER_MONTH
    rows = [
        ["compactor schedule, empty lake", monthly(c.empty_run, 0.0)],
        [
            f"compactor schedule, every lookback hour compacted (CPU {c.busy_run_ms:.0f} ms a run)",
            monthly(c.busy_run, c.busy_run_ms),
        ],
        [f"Kinesis stream ({stack.stream_mode}): {HOURS_PER_MONTH} stream-hours", f"${_dollars(stream)}"],
        [f"(provisioned instead: {shards} shards x {HOURS_PER_MONTH} shard-hours)", f"${shard * shards:.2f}"],
    ]
    return _table(["fixed, per month (no matter how many events)", "$"], rows)


def athena_table(scenario: Scenario, columns: dict[str, set[str]], events_per_month: int) -> str:
    """Per saved question: bytes scanned per million events before and after compaction, and the price of
    one query over a month of the workload (10 MB minimum, rounded up to the MB)."""

    def query(bytes_per_million: float) -> str:
        billed = max(ATHENA_MINIMUM_BYTES, math.ceil(bytes_per_million * events_per_month / MILLION / MB) * MB)
        return f"{billed / TB * _price('athena_tb'):.4f}"

    rows = []
    for name, wanted in columns.items():
        before = scan_bytes(scenario.lake_before, wanted) / scenario.events * MILLION
        after = scan_bytes(scenario.lake_after, wanted) / scenario.events * MILLION
        rows.append([name, str(len(wanted)), f"{before / MB:.1f}", f"{after / MB:.1f}", query(before), query(after)])
    header = [
        "question",
        "columns read",
        "MB/M events, parser's objects",
        "MB/M events, compacted",
        "$ a query over a month, without compaction",
        "with",
    ]
    hours = events_per_month / scenario.events  # the scenario is one hour of the workload
    gets = [
        len(list((lake / "events").rglob("*.parquet"))) * hours for lake in (scenario.lake_before, scenario.lake_after)
    ]
    note = (
        f"\n\nA query also makes at least one S3 GET per object it reads: over a month of this workload "
        f"{gets[0]:,.0f} objects without compaction (${gets[0] * _price('s3_get'):.4f} a query), "
        f"{gets[1]:,.0f} with (${gets[1] * _price('s3_get'):.4f})."
    )
    return _table(header, rows) + note


def cloudwatch_line(s: Scenario) -> str:
    per_event = s.message_bytes / s.events
    ingest = per_event * MILLION / GIB * _price("cwlogs_ingest_gb")
    stored = per_event * MILLION / GIB * _price("cwlogs_gb_month")
    return (
        f"The source log groups ingest ~{per_event:.0f} bytes of message text per event: "
        f"${ingest:.4f} per million events at ingestion, and at most ${stored:.4f} per million events for each "
        "month CloudWatch keeps them (uncompressed size; loglake sets 30 days for Lambda and API Gateway groups)."
    )


def fill_line(stack: Stack, lanes: int, caps: dict[int, int], rates: dict[int, float]) -> str:
    """When a batch closes full rather than at the end of its window, per delivery size (`rates`: the
    measured deliveries a second)."""
    parts = []
    for invocations, cap in caps.items():
        per_second = cap * lanes / max(1, stack.batch_window_s)
        limit = f"{stack.batch_size:,} records" if cap == stack.batch_size else f"6 MB, ~{cap:,} records"
        events = round(invocations * 6, -2)
        parts.append(
            f"~{events:.0f}-event deliveries: {limit} a batch, full from ~{per_second:,.0f} deliveries a second "
            f"(~{per_second * 3600 * events / 1e6:,.1f} million events/hour)"
        )
    here = " and ".join(f"{r:.2f}" for r in rates.values())
    return (
        f"Kinesis batches close full only when one lane ({lanes} lanes) gets a full batch of records within one "
        f"{stack.batch_window_s} s window: " + "; ".join(parts) + f". Below that (here: {here} deliveries a "
        'second), the batch window closes first: the "at this rate" columns draw each batch as the first record '
        'plus Poisson(rate per lane x window) more; "full batches" are batches of that size.'
    )


# ---------------------------------------------------------------- main


def environment() -> str:
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain"], capture_output=True, text=True, check=False
    )
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    changes = " (+ local changes)" if dirty.stdout.strip() else ""
    return f"{when}, commit {commit.stdout.strip()}{changes}, load average {' '.join(load)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events-per-hour", type=int, default=60_000)
    parser.add_argument(
        "--invocations", default="17,100", help="Lambda invocations a delivery: 17 ~ 100 events, 100 ~ 600"
    )
    parser.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR, help="gen_payloads.py")
    parser.add_argument("--s3-wait-ms", type=float, default=30.0, help="billed wait per S3 request (default 30)")
    parser.add_argument("--cpu-speed", type=float, default=1.0, help="a Lambda core's time for this core's second")
    parser.add_argument("--shards", type=int, default=4, help="shards of the on-demand stream (4 when new)")
    parser.add_argument(
        "--tracing", choices=("Active", "PassThrough"), help="the parsers' X-Ray tracing (default: serverless.yml's)"
    )
    args = parser.parse_args()
    if not args.generator.is_file():
        raise SystemExit(f"{args.generator}: no payload generator there; pass --generator PATH/gen_payloads.py")
    payload = runpy.run_path(str(args.generator))["payload"]
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    stack, model = Stack.read(), Model(args.s3_wait_ms, args.cpu_speed)
    if args.tracing is not None:
        stack = replace(stack, params={**stack.params, "tracing": args.tracing})
    lanes = args.shards * stack.parallelization
    scenarios: dict[str, Scenario] = {}
    caps: dict[int, int] = {}  # records a full batch holds, per delivery size
    rates: dict[int, float] = {}  # deliveries a second, per delivery size
    with tempfile.TemporaryDirectory(prefix="loglake-cost-") as tmp:
        for invocations in (int(n) for n in args.invocations.split(",")):
            deliveries = hour_of_deliveries(payload, invocations, args.events_per_hour)
            per_lane_window = len(deliveries) / 3600 / lanes * stack.batch_window_s
            cap = batch_cap(deliveries, stack.batch_size)
            caps[invocations], rates[invocations] = cap, len(deliveries) / 3600
            full = [min(cap, len(deliveries) - i) for i in range(0, len(deliveries), cap)]
            windowed = window_batches(len(deliveries), cap, per_lane_window, random.Random(7))
            label = f"~{round(invocations * 6, -2):.0f} ev"
            for mode, sizes in (("direct", None), ("Kinesis, full batches", full), ("Kinesis at this rate", windowed)):
                work = Path(tmp) / f"{invocations}-{len(scenarios)}"
                scenarios[f"{label}: {mode}"] = measure(stack, deliveries, sizes, work)
        first = next(iter(scenarios.values()))
        columns = question_columns(first.lake_after)
        print(f"# loglake: dollars per million events, {environment()}\n")
        print(
            f"Stack (serverless.yml): {stack.architecture}; parser {stack.parser_mb} MB, parserKinesis "
            f"{stack.kinesis_parser_mb} MB (batch {stack.batch_size}, window {stack.batch_window_s} s, parallelization "
            f"{stack.parallelization}), compactor {stack.compactor_mb} MB every {stack.compact_every_min} min; stream "
            f"{stack.stream_mode}; parser tracing {stack.params['tracing']}. "
            f"Workload: {args.events_per_hour:,} events/hour, {args.generator.name}. Model: CPU x "
            f"{args.cpu_speed} x {LAMBDA_VCPU_MB}/memory + {args.s3_wait_ms:g} ms per S3 request; "
            f"{lanes} Kinesis lanes ({args.shards} shards x {stack.parallelization}). "
            "Prices: bench/cost.py PRICES (us-east-1, read 2026-12-01).\n"
        )
        print(fill_line(stack, lanes, caps, rates), end="\n\n")
        print(facts_table(scenarios, model), end="\n\n")
        print(cost_table(scenarios, model, stack.traced), end="\n\n")
        print(fixed_table(stack, first, model, args.shards), end="\n\n")
        print(athena_table(first, columns, args.events_per_hour * HOURS_PER_MONTH), end="\n\n")
        print(cloudwatch_line(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
