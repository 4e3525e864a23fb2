"""One synthetic day, ingested into a lake: the shared ground-truth fixture of the SQL and report tests.

The dataset is modest (300 invocations an hour) so a module can build its own in a few seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from loglake.local_ingest import ingest_events, local_ingestor
from loglake.synth import Dataset, generate

START_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z


@dataclass(frozen=True)
class World:
    dataset: Dataset
    lake: Path


def build_world(root: Path, *, hours: int = 24, invocations_per_hour: int = 300) -> World:
    """Generate the day (seed 11) and ingest it through the parser's handler code into `root`."""
    dataset = generate(
        seed=11, start_ms=START_MS, hours=hours, invocations_per_hour=invocations_per_hour, max_events_per_delivery=400
    )
    summary = ingest_events(iter(dataset.deliveries), local_ingestor(root, "eu-west-1"))
    assert summary.failed_items == []
    return World(dataset, root)


def utc(ms: int) -> dt.datetime:
    """Epoch ms → a naive UTC datetime, as the engine returns timestamps."""
    return dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=ms)


def truncate(ms: int, unit_ms: int) -> dt.datetime:
    return utc(ms - ms % unit_ms)


def assert_percentile(got: float, values: list[float], q: float, rel: float = 0.05) -> None:
    """`got` is an approximate q-quantile of `values`: within one rank of it, give or take `rel`.

    Quantile definitions differ by a rank (Athena's q-digest, DuckDB's t-digest, nearest rank vs.
    interpolation), which matters for the small groups of an hourly view.
    """
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low, high = ordered[max(0, int(rank) - 1)], ordered[min(len(ordered) - 1, int(rank) + 2)]
    assert low * (1 - rel) <= got <= high * (1 + rel), (got, low, high)
