"""Parquet encoding benchmark: bytes per event and encode CPU ms for the lake's two kinds of objects.

    .venv/bin/python bench/parquet_encode.py [--payloads FILE.jsonl] [--deliveries 300] [--columns]

- a delivery's object (Lambda direct mode writes one per delivery and hour): every column as given,
  and sparse (what `write_batch` writes: the columns no row has a value in left out);
- one object of up to 250,000 rows (the CLI's coalesced objects; a compacted hour is written the same way).

`--payloads` reads JSON Lines of Lambda events ({"awslogs": ...}, as ../shared/bench/gen_payloads.py
writes them); without it, synthetic deliveries of at most 100 events. `--columns`: the big object's
compressed bytes per column. Times are this process's CPU time, Arrow on one thread, best of 5.
Prints figures; asserts nothing (speed is not a test).
"""

from __future__ import annotations

import argparse
import collections
import io
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from functions.parser.decode import decode_awslogs  # noqa: E402
from functions.parser.normalize import BatchContext, normalize  # noqa: E402
from functions.sinks import s3_parquet  # noqa: E402
from functions.sinks.s3_parquet import encode_parquet, split_by_hour  # noqa: E402
from loglake.synth import generate  # noqa: E402

BIG_ROWS = 250_000
REPEATS = 5


def deliveries(payloads: Path | None, count: int) -> Iterator[dict[str, Any]]:
    if payloads is None:
        dataset = generate(
            seed=3, start_ms=1_795_737_600_000, hours=24, invocations_per_hour=1800, max_events_per_delivery=100
        )
        yield from dataset.deliveries
        return
    with payloads.open(encoding="utf-8") as lines:
        yield from (json.loads(line) for line in itertools.islice(lines, count))


def parts(events: Iterator[dict[str, Any]], limit: int) -> list[pa.Table]:
    """The hour parts of up to `limit` deliveries, as the parser hands them to the lake writer."""
    out: list[pa.Table] = []
    for delivery in events:
        batch = decode_awslogs(delivery)
        if batch is not None:
            out.extend(part for _, part in split_by_hour(normalize(batch, BatchContext("bench", 0)).table))
        if len(out) >= limit:
            break
    return out[:limit]


def timed(tables: list[pa.Table], encode: Callable[[pa.Table], bytes]) -> tuple[int, float]:
    """(bytes, best CPU seconds) to encode every table once."""
    best, size = float("inf"), 0
    for _ in range(REPEATS):
        started = time.process_time()
        size = sum(len(encode(t)) for t in tables)
        best = min(best, time.process_time() - started)
    return size, best


def report(label: str, tables: list[pa.Table], encode: Callable[[pa.Table], bytes]) -> None:
    rows = sum(t.num_rows for t in tables)
    size, seconds = timed(tables, encode)
    print(
        f"{label:<34} {len(tables):>5} objects {rows:>8} rows {size / rows:>8.1f} B/event "
        f"{1000 * seconds / len(tables):>9.2f} ms/object {1e6 * seconds / rows:>7.2f} us/event"
    )


def columns(table: pa.Table) -> None:
    meta = pq.ParquetFile(io.BytesIO(encode_parquet(table))).metadata
    sizes: collections.Counter[str] = collections.Counter()
    for group in range(meta.num_row_groups):
        for index in range(meta.num_columns):
            chunk = meta.row_group(group).column(index)
            sizes[chunk.path_in_schema] += chunk.total_compressed_size
    print(f"## big object, bytes per event by column (footer {meta.serialized_size / table.num_rows:.2f})")
    for name, size in sizes.most_common(12):
        print(f"  {name:<28} {size / table.num_rows:7.2f}")


def zstd_everywhere(table: pa.Table) -> bytes:
    """A delivery's object as `encode_parquet` writes it but for the codec: zstd in every column chunk."""
    sink = io.BytesIO()
    options = s3_parquet.parquet_options(table.column_names, small=True) | {"compression": "zstd"}
    pq.write_table(table, sink, row_group_size=s3_parquet.ROW_GROUP_SIZE, **options)
    return sink.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payloads", type=Path)
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--columns", action="store_true")
    args = parser.parse_args()
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    small = parts(deliveries(args.payloads, args.deliveries), args.deliveries)
    big_parts, rows = [], 0
    for part in parts(deliveries(args.payloads, 10**9), 10**9):
        big_parts.append(part)
        rows += part.num_rows
        if rows >= BIG_ROWS:
            break
    big = pa.concat_tables(big_parts).slice(0, BIG_ROWS).combine_chunks()
    print(f"## encode_parquet (one core, CPU time, best of {REPEATS}); input: {args.payloads or 'synthetic'}")
    report("delivery object, every column", small, encode_parquet)
    sparse = getattr(s3_parquet, "without_empty_columns", None)  # absent before sparse objects
    if sparse is not None:
        report("delivery object, sparse", small, lambda t: encode_parquet(sparse(t)))
        report("delivery object, sparse, zstd in every column", small, lambda t: zstd_everywhere(sparse(t)))
    report("one big object", [big], encode_parquet)
    if args.columns:
        columns(big)


if __name__ == "__main__":
    main()
