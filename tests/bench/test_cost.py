"""bench/cost.py counts what the code does: its counts against independent ones on a tiny hour.

The PUTs the bench's counting S3 sees are checked against the Parquet files the same deliveries leave
in a folder through a `LocalStore`, and against the (payload, event hour) pairs read from the payloads
themselves; the compactor's counts against the objects it was given. No figure here is a benchmark.
"""

from __future__ import annotations

import base64
import gzip
import importlib.util
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from functions.parser.ingest import Ingestor
from functions.parser.wiring import handle_direct, handle_kinesis
from functions.sinks.keys import HOUR_MS
from functions.sinks.s3_parquet import LocalStore
from loglake.synth import generate

REPO = Path(__file__).resolve().parents[2]


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_cost", REPO / "bench" / "cost.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_cost"] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


cost = _load_bench()


@pytest.fixture(scope="module")
def deliveries() -> list[dict[str, Any]]:
    """A small hour: a control message, then ~40 deliveries of at most 30 events."""
    dataset = generate(seed=5, start_ms=cost.HOUR0, hours=1, invocations_per_hour=60, max_events_per_delivery=30)
    return list(dataset.deliveries)


def _payload(delivery: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(delivery["awslogs"]["data"])))
    return doc


def _expected_objects(deliveries: list[dict[str, Any]]) -> int:
    """One object per data payload and event hour it spans (read from the payloads, not from the code)."""
    pairs = set()
    for i, delivery in enumerate(deliveries):
        payload = _payload(delivery)
        if payload["messageType"] == "DATA_MESSAGE":
            pairs |= {(i, e["timestamp"] // HOUR_MS) for e in payload["logEvents"]}
    return len(pairs)


def _files_on_disk(tmp_path: Path, events: list[dict[str, Any]], kinesis: bool) -> list[Path]:
    """The same trigger events through the wiring into a folder: what is left there."""
    lake = tmp_path / "local"
    ingestor = Ingestor(store=LocalStore(lake), prefix="lake/", region="us-east-1")
    for event in events:
        (handle_kinesis if kinesis else handle_direct)(event, ingestor)
    return sorted(lake.rglob("*.parquet"))


def test_direct_mode_counts_one_put_per_object_the_parser_writes(
    deliveries: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Given one hour of deliveries, when the bench runs them through the direct parser and the compactor
    scenario = cost.measure(cost.Stack.read(), deliveries, None, tmp_path / "bench")

    # Then it counted one invocation per delivery and every event once
    assert len(scenario.parser.cpu_ms) == len(deliveries)
    expected_events = sum(
        len(_payload(d)["logEvents"]) for d in deliveries if _payload(d)["messageType"] == "DATA_MESSAGE"
    )
    assert scenario.events == expected_events
    # and as many PUTs as objects the same deliveries leave on disk, as many as (payload, hour) pairs
    on_disk = _files_on_disk(tmp_path, deliveries, kinesis=False)
    assert scenario.parser.totals == Counter({"PUT": len(on_disk)})
    assert len(on_disk) == _expected_objects(deliveries)
    # and the bytes it reports were written are the bytes of those objects, as dumped before compaction
    dumped = list((scenario.lake_before / "events").rglob("*.parquet"))
    assert scenario.parser_bytes == sum(p.stat().st_size for p in dumped)
    assert len(dumped) == len(on_disk)


def test_kinesis_mode_counts_invocations_per_batch_and_puts_per_object(
    deliveries: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Given the deliveries as Kinesis records in batches of 3, 1, 4, ...
    sizes = cost.window_batches(len(deliveries), 4, 1.5, random.Random(3))
    scenario = cost.measure(cost.Stack.read(), deliveries, sizes, tmp_path / "bench")

    # Then one invocation per batch, and one PUT per object the same batches leave on disk
    assert len(scenario.parser.cpu_ms) == len(sizes)
    on_disk = _files_on_disk(tmp_path, cost.kinesis_batches(deliveries, sizes), kinesis=True)
    assert scenario.parser.totals["PUT"] == len(on_disk)
    assert sum(scenario.parser.requests) == sum(scenario.parser.totals.values())


def test_the_compactor_reads_every_object_of_the_hour_and_leaves_fewer(
    deliveries: list[dict[str, Any]], tmp_path: Path
) -> None:
    scenario = cost.measure(cost.Stack.read(), deliveries, None, tmp_path / "bench")
    hour = [p for p in scenario.lake_before.rglob("*.parquet") if "hour=00" in str(p) and "events/" in str(p)]
    summary = scenario.compaction.summary

    # Then it merged every object of the hour, fetched each at least once and deleted each
    assert summary.files_in == len(hour) > 1
    assert scenario.compaction.totals["GET"] >= len(hour)
    assert scenario.compaction.marginal_requests["DELETE"] >= len(hour)  # and its plan, its attempt marker
    # and the hour is left with its merged objects only, holding every row
    left = [p for p in scenario.lake_after.rglob("*.parquet") if "hour=00" in str(p) and "/events/" in str(p)]
    assert len(left) == summary.files_out
    payloads = [_payload(d) for d in deliveries]
    ids = {
        e["id"]
        for p in payloads
        if p["messageType"] == "DATA_MESSAGE"
        for e in p["logEvents"]
        if cost.HOUR0 <= e["timestamp"] < cost.HOUR0 + HOUR_MS
    }
    assert summary.rows == len(ids)


def test_listing_counts_a_request_per_thousand_keys() -> None:
    s3 = cost.CountingS3()
    for i in range(2_500):
        s3.put_object(Key=f"p/{i:05d}", Body=b"x")
    found = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="b", Prefix="p/")
        for item in page["Contents"]
    ]
    assert len(found) == 2_500
    assert s3.requests["LIST"] == 3  # ceil(2,500 / 1,000)


def test_batches_cover_every_record_and_respect_the_cap() -> None:
    sizes = cost.window_batches(1_000, 10, 4.0, random.Random(1))
    assert sum(sizes) == 1_000 and max(sizes) <= 10
    assert cost.window_batches(50, 10, 0.0, random.Random(1)) == [1] * 50  # nothing else arrives in the window


def test_the_stack_settings_are_serverless_yml_s() -> None:
    text = (REPO / "serverless.yml").read_text(encoding="utf-8")
    stack = cost.Stack.read()
    assert stack.batch_size == int(re.search(r"batchSize: (\d+)", text).group(1))  # type: ignore[union-attr]
    assert stack.batch_window_s == int(re.search(r"batchWindow: (\d+)", text).group(1))  # type: ignore[union-attr]
    assert stack.stream_mode == re.search(r"StreamMode: (\w+)", text).group(1)  # type: ignore[union-attr]
    assert stack.architecture == re.search(r"architecture: (\w+)", text).group(1)  # type: ignore[union-attr]


def test_a_batch_holds_what_fits_in_lambda_s_six_mb_event(deliveries: list[dict[str, Any]]) -> None:
    # Given records as Lambda hands them over (JSON, base64 data), measured here from the synth event
    records = cost.kinesis_event(deliveries)["Records"]
    mean_bytes = sum(len(json.dumps(r)) for r in records) / len(records)
    # Then a batch holds as many as fit in 6 MiB, or batchSize if that is fewer
    cap = cost.batch_cap(deliveries, 10_000)
    assert cap * mean_bytes <= 6 * 1024 * 1024 < (cap + 1) * mean_bytes
    assert cost.batch_cap(deliveries, 3) == 3


def test_poisson_draws_hold_their_mean_at_the_large_means_of_a_long_window() -> None:
    rng = random.Random(11)
    draws = [cost.poisson(900.0, rng) for _ in range(400)]  # exp(-900) underflows: one Knuth loop cannot draw this
    mean = sum(draws) / len(draws)
    variance = sum((d - mean) ** 2 for d in draws) / len(draws)
    assert abs(mean - 900) < 5 * (900 / len(draws)) ** 0.5  # five standard errors
    assert 600 < variance < 1_200  # a Poisson's variance is its mean
    assert cost.poisson(0.0, rng) == 0
    sizes = cost.window_batches(5_000, 700, 900.0, random.Random(2))
    assert sum(sizes) == 5_000 and max(sizes) == 700


def test_an_hour_in_one_object_is_finished_after_one_run(deliveries: list[dict[str, Any]], tmp_path: Path) -> None:
    # Given the whole hour as one Kinesis batch: one object for the measured hour, nothing to merge
    scenario = cost.measure(cost.Stack.read(), deliveries, [len(deliveries)], tmp_path / "bench")
    hour = [p for p in scenario.lake_before.rglob("*.parquet") if "hour=00" in str(p) and "/events/" in str(p)]
    assert len(hour) == 1
    # Then the compactor leaves it as it is, and the bench stops after the first run that says so
    assert scenario.compaction.summary.files_in == 0
    assert scenario.compaction.runs == 1


def _cells(table: str, row: str) -> list[str]:
    (line,) = [line for line in table.splitlines() if line.startswith(f"| {row}")]
    return [cell.strip().strip("*") for cell in line.strip("|").split("|")][1:]


def test_x_ray_traces_count_in_the_total_only_when_tracing_is_active(
    deliveries: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Given one measured hour and the stack as serverless.yml has it (tracing off by default)
    stack = cost.Stack.read()
    assert stack.params["tracing"] == re.search(r"\n    tracing: (\w+)", (REPO / "serverless.yml").read_text()).group(1)  # type: ignore[union-attr]
    assert not stack.traced
    scenarios = {"direct": cost.measure(stack, deliveries, None, tmp_path / "bench")}
    model = cost.Model(30.0, 1.0)
    rows = cost.cost_rows(scenarios["direct"], model)
    xray = rows["parser: X-Ray traces"]
    assert xray is not None and xray > 0
    others = sum(v for name, v in rows.items() if name != "parser: X-Ray traces" and v is not None)
    # When the cost table is made with tracing off, then on
    off = cost.cost_table(scenarios, model, traced=False)
    on = cost.cost_table(scenarios, model, traced=True)
    # Then off, the total leaves the traces out and a row says what tracing=Active adds
    assert float(_cells(off, "**total** (tracing PassThrough)")[0]) == pytest.approx(others, abs=1e-4)
    assert float(_cells(off, "`tracing=Active` adds")[0]) == pytest.approx(xray, abs=1e-4)
    # and on, the traces are a row of their own within the total
    assert float(_cells(on, "**total** (tracing Active)")[0]) == pytest.approx(others + xray, abs=1e-4)
    assert float(_cells(on, "parser: X-Ray traces")[0]) == pytest.approx(xray, abs=1e-4)
    assert "adds" not in on
