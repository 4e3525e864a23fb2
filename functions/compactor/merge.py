"""Merge small Parquet objects into a few big ones, sorted by `function_name`, `event_time`, in bounded memory.

Each event id is kept once: of the copies of an id in the inputs, the earliest ingested wins (then the
first input object by name, then the first row in it); a copy of an id some `known` object (an earlier
compacted object of the hour, left as it is) already holds is dropped. Every other row is in exactly one
output, unchanged (the counts are checked): compaction changes how rows are stored, never which events
there are.

Memory stays within a few times `budget_bytes` whatever the size of the hour (an external merge):
  1. buckets  read the inputs batch by batch and spill the rows to buckets by event id range (a copy of
              an id always lands in the bucket of its first copy), each bucket about `budget_bytes`
  2. runs     per bucket: drop known ids and later copies, sort by the output order, write a sorted run
  3. merge    stream the runs through a k-way merge (`sorted_runs.py`) into outputs of ~`target_bytes`
Spilled data lives in `workdir` (Arrow IPC, lz4) and is deleted by the caller with the folder.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import compute, ipc

from functions.compactor.sorted_runs import KEY_COLUMNS, Key, OutputWriter, merge_runs, sample_keys, with_sort_keys
from schemas.arrow import arrow_schema
from schemas.events import EVENTS

pc: Any = compute  # the compute stubs can't type these kernels on chunked arrays and scalars

SCHEMA = arrow_schema(EVENTS)
MIB = 1024 * 1024
SORT_KEYS: list[tuple[str, Literal["ascending", "descending"]]] = [
    ("function_name", "ascending"),
    ("event_time", "ascending"),
]
_SOURCE = "_source"  # input ordinal << 32 | row in the input: the last tie-break between copies of an id
_WINNER_ORDER: list[tuple[str, Literal["ascending", "descending"]]] = [
    ("event_id", "ascending"),
    ("ingest_time", "ascending"),
    (_SOURCE, "ascending"),
]
_IPC = ipc.IpcWriteOptions(compression="lz4")
_SAMPLES = 20_000


class MergeError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class MergeResult:
    outputs: list[Path]
    rows_in: int
    rows_out: int
    duplicates: int  # input rows dropped: a later copy of an id, or an id a known object holds


def _union_schema(paths: list[Path]) -> pa.Schema:
    """The schema's columns in its order, then columns some input has that the schema lacks (kept, not lost)."""
    fields = list(SCHEMA)
    names = {f.name for f in fields}
    for path in paths:
        for field in pq.read_schema(path):
            if field.name not in names:
                names.add(field.name)
                fields.append(field)
    return pa.schema(fields)


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    arrays: list[Any] = []
    for field in schema:
        if field.name in batch.schema.names:
            column = batch.column(field.name)
            arrays.append(column if column.type == field.type else column.cast(field.type))
        else:
            arrays.append(pa.nulls(batch.num_rows, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _batches(path: Path, schema: pa.Schema, rows: int) -> Iterator[pa.RecordBatch]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
        yield _conform(batch, schema)


@dataclass
class _Buckets:
    """Rows spilled to files by event id range: `bounds[i-1] <= id < bounds[i]` goes to bucket i."""

    workdir: Path
    name: str
    bounds: list[str]
    schema: pa.Schema

    def __post_init__(self) -> None:
        self.paths = [self.workdir / f"{self.name}-{i:04d}.arrow" for i in range(len(self.bounds) + 1)]
        self._writers = [ipc.new_file(str(p), self.schema, options=_IPC) for p in self.paths]

    def write(self, table: pa.Table) -> None:
        """Sort the rows by id (a null id as ''), then cut the sorted rows at each bound: one slice per bucket."""
        if table.num_rows == 0:
            return
        if not self.bounds:
            self._writers[0].write_table(table)
            return
        filled = pc.fill_null(table["event_id"], "")
        order = pc.sort_indices(filled)
        table, ids = table.take(order), filled.take(order).to_pylist()
        cuts = [0, *(bisect.bisect_left(ids, bound) for bound in self.bounds), table.num_rows]
        for bucket, (start, end) in enumerate(itertools.pairwise(cuts)):
            if end > start:
                self._writers[bucket].write_table(table.slice(start, end - start))

    def close(self) -> None:
        for writer in self._writers:
            writer.close()


def _arrow_row_bytes(paths: list[Path], schema: pa.Schema, samples: int = 16) -> int:
    """Bytes per row once read into Arrow (often 10x the Parquet size: dictionaries and zstd undone)."""
    rows = size = 0
    for path in paths[:: max(1, len(paths) // samples)][:samples]:
        for batch in _batches(path, schema, 4096):
            rows, size = rows + batch.num_rows, size + batch.nbytes
            break
    return max(64, size // max(1, rows))


def _bounds(paths: list[Path], buckets: int, total_rows: int) -> list[str]:
    """`buckets - 1` event ids splitting the inputs' ids into ranges of about equal row counts (a sample)."""
    if buckets <= 1:
        return []
    step = max(1, total_rows // _SAMPLES)
    sample: list[str] = []
    for path in paths:
        ids = pq.read_table(path, columns=["event_id"])["event_id"]
        sample.extend(i for i in ids.take(pa.array(range(0, len(ids), step))).to_pylist() if i is not None)
    sample.sort()
    if not sample:
        return []
    picks = {sample[min(len(sample) - 1, (len(sample) * k) // buckets)] for k in range(1, buckets)}
    return sorted(picks)


def _winners(table: pa.Table, known: Any) -> pa.Table:
    """One row per event id (the earliest ingested copy wins); rows with a known id dropped; null ids all kept."""
    if known is not None and len(known):
        table = table.filter(pc.invert(pc.fill_null(pc.is_in(table["event_id"], value_set=known), False)))
    order = pc.sort_indices(table.select([k for k, _ in _WINNER_ORDER]), sort_keys=_WINNER_ORDER)
    ids = table["event_id"].take(order)
    if len(ids) > 1:
        changed = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
        first = pa.concat_arrays([pa.array([True]), pc.fill_null(changed, True).combine_chunks()])
        first = pc.or_(first, pc.is_null(ids).combine_chunks())
        order = order.filter(first)
    return table.take(order).drop_columns([_SOURCE])


def _sorted_run(bucket: Path, known: Path | None, run: Path, batch_rows: int, every: int) -> tuple[int, list[Key]]:
    """Bucket file → a run file sorted in the output order; (rows kept, sampled keys)."""
    with pa.OSFile(str(bucket), "r") as source:
        table = ipc.open_file(source).read_all()
    known_ids = None
    if known is not None:
        with pa.OSFile(str(known), "r") as source:
            known_ids = ipc.open_file(source).read_all()["event_id"].combine_chunks()
    kept = with_sort_keys(_winners(table, known_ids))
    del table
    kept = kept.take(pc.sort_indices(kept.select([k for k, _ in KEY_COLUMNS]), sort_keys=KEY_COLUMNS))
    with ipc.new_file(str(run), kept.schema, options=_IPC) as writer:
        writer.write_table(kept, max_chunksize=batch_rows)
    return kept.num_rows, sample_keys(kept, every)


def _returning_pool() -> None:
    """Arrow's jemalloc pool with no decay hands freed memory back at once: about a quarter less peak RSS
    than the default pool for the same merge (bench/compact_memory.py). Process-wide: the compactor's own."""
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without it: the default pool, a little more memory
        return
    pa.set_memory_pool(pool)
    pa.jemalloc_set_decay_ms(0)


def merge_files(
    inputs: list[Path],
    known: list[Path],
    workdir: Path,
    *,
    target_bytes: int,
    budget_bytes: int = 32 * MIB,
    heartbeat: Callable[[], None] = lambda: None,
) -> MergeResult:
    """Merge `inputs` (sorted by name by the caller: the order breaks ties) into sorted output files."""
    _returning_pool()
    schema = _union_schema(inputs)
    rows_in = sum(pq.read_metadata(p).num_rows for p in inputs)  # (not kept: footers take ~80 KB each)
    row_bytes = _arrow_row_bytes(inputs, schema)
    buckets = max(1, math.ceil(rows_in * row_bytes * 1.2 / budget_bytes))
    batch_rows = max(1024, budget_bytes // 4 // row_bytes)
    bounds = _bounds(inputs, buckets, rows_in)
    spill_schema = schema.append(pa.field(_SOURCE, pa.int64()))
    data = _Buckets(workdir, "bucket", bounds, spill_schema)
    ids = _Buckets(workdir, "known", bounds, pa.schema([pa.field("event_id", pa.string())]))
    staged: list[pa.RecordBatch] = []
    staged_bytes = 0
    for ordinal, path in enumerate(inputs):
        heartbeat()
        row = 0
        for batch in _batches(path, schema, batch_rows):
            source = pa.array(range((ordinal << 32) + row, (ordinal << 32) + row + batch.num_rows), pa.int64())
            staged.append(batch.append_column(_SOURCE, source))
            staged_bytes += batch.nbytes
            row += batch.num_rows
            if staged_bytes >= budget_bytes // 2:
                data.write(pa.Table.from_batches(staged, spill_schema))
                staged, staged_bytes = [], 0
    data.write(pa.Table.from_batches(staged, spill_schema))
    del staged
    data.close()
    for path in known:
        heartbeat()
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows * 4, columns=["event_id"]):
            ids.write(pa.Table.from_batches([batch]).cast(ids.schema))
    ids.close()
    runs: list[Path] = []
    samples: list[Key] = []
    kept = 0
    run_rows = max(256, budget_bytes // 4 // buckets // row_bytes)  # one batch per run stays in the merge
    for i, bucket in enumerate(data.paths):
        heartbeat()
        run = workdir / f"run-{i:04d}.arrow"
        kept_here, keys = _sorted_run(bucket, ids.paths[i] if known else None, run, run_rows, rows_in // _SAMPLES)
        bucket.unlink()
        kept += kept_here
        samples.extend(keys)
        runs.append(run)
    samples.sort()
    steps = max(1, math.ceil(kept * row_bytes / (budget_bytes // 4)))  # rows written out per step: a quarter
    cuts = sorted({samples[(len(samples) * k) // steps] for k in range(1, steps)}) if samples else []
    writer = OutputWriter(workdir, schema, target_bytes, row_bytes, group_bytes=budget_bytes // 4)
    merge_runs(runs, writer, cuts, heartbeat)
    outputs = writer.close()
    if writer.rows != kept:
        raise MergeError(f"wrote {writer.rows} rows, {kept} expected from {rows_in} input rows")
    return MergeResult(outputs, rows_in, writer.rows, rows_in - kept)
