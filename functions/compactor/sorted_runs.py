"""A k-way merge of sorted runs in bounded memory, and the writer of the merged output files.

Runs are Arrow IPC files sorted by `KEY_COLUMNS`. The merge walks through the key space in steps cut at
sampled keys (`bounds`, about a memory budget of rows apart): for each bound, every run is read until its
last loaded key passes the bound, so every row up to the bound is in memory — those rows are sorted
(Arrow, in C++) and written out, and each run keeps at most one batch past the bound for the next step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import compute, ipc

from functions.sinks.s3_parquet import ROW_GROUP_SIZE, parquet_options

pc: Any = compute  # the compute stubs can't type these kernels on chunked arrays and scalars

# function_name (nulls last, via `_n`), event_time (nulls last, via `_t`), then event_id: a total order
KEY_COLUMNS: list[tuple[str, Literal["ascending", "descending"]]] = [
    ("_n", "ascending"),
    ("function_name", "ascending"),
    ("_t", "ascending"),
    ("event_id", "ascending"),
]
_HELPERS = ["_n", "_t"]
_RUN = "_run"
_LAST_TIME = 2**63 - 1
Key = tuple[bool, str, int, bool, str]  # name is null, name, time, id is null, id


def with_sort_keys(table: pa.Table) -> pa.Table:
    """`table` with the helper columns the order needs (no nulls in them: nulls sort last)."""
    times = pc.fill_null(table["event_time"].cast(pa.int64()), _LAST_TIME)
    return table.append_column("_n", pc.is_null(table["function_name"])).append_column("_t", times)


def sort_by_key(table: pa.Table) -> pa.Table:
    keys = table.select([k for k, _ in KEY_COLUMNS])
    return table.take(pc.sort_indices(keys, sort_keys=KEY_COLUMNS))


def _key_at(batch: pa.RecordBatch, row: int) -> Key:
    name, event_id = batch.column("function_name")[row].as_py(), batch.column("event_id")[row].as_py()
    time = int(batch.column("_t")[row].as_py())
    return (bool(batch.column("_n")[row].as_py()), name or "", time, event_id is None, event_id or "")


def _at_most(table: pa.Table, key: Key) -> Any:
    """Rows whose key is <= `key`, in the order `sort_by_key` uses (null names and ids sort last)."""
    null_name, name, time, null_id, event_id = key
    names = pc.fill_null(table["function_name"], "")
    ids = table["event_id"]
    # a null id is the last of its name and time: every row of that name and time is <= it
    id_at_most = pc.scalar(True) if null_id else pc.fill_null(pc.less_equal(ids, event_id), False)
    same_time = pc.and_(pc.equal(table["_t"], time), id_at_most)
    within_name = pc.or_(pc.less(table["_t"], time), same_time)
    within_group = pc.or_(pc.less(names, name), pc.and_(pc.equal(names, name), within_name))
    if null_name:  # every named row sorts first
        return pc.or_(pc.invert(table["_n"]), within_name)
    return pc.and_(pc.invert(table["_n"]), within_group)


class OutputWriter:
    """Sorted rows in, Parquet files of about `target_bytes` out (row groups of bounded size)."""

    def __init__(self, workdir: Path, schema: pa.Schema, target_bytes: int, row_bytes: int, group_bytes: int) -> None:
        self.workdir, self.schema, self.target_bytes = workdir, schema, target_bytes
        self.group_rows = max(1024, min(ROW_GROUP_SIZE, group_bytes // max(1, row_bytes)))
        self.outputs: list[Path] = []
        self.rows = 0
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._sink: pa.OSFile | None = None
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._pending_rows += table.num_rows
        while self._pending_rows >= self.group_rows:
            whole = pa.concat_tables(self._pending)
            self._flush(whole.slice(0, self.group_rows))
            rest = whole.slice(self.group_rows)
            self._pending, self._pending_rows = [rest], rest.num_rows

    def _flush(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        if self._writer is None:
            path = self.workdir / f"out-{len(self.outputs):03d}.parquet"
            self.outputs.append(path)
            self._sink = pa.OSFile(str(path), "wb")
            self._writer = pq.ParquetWriter(self._sink, self.schema, **parquet_options(self.schema.names))
        self._writer.write_table(table.combine_chunks(), row_group_size=self.group_rows)
        self.rows += table.num_rows
        if self._sink is not None and self._sink.tell() >= self.target_bytes:
            self._finish_file()

    def _finish_file(self) -> None:
        if self._writer is not None and self._sink is not None:
            self._writer.close()
            self._sink.close()
        self._writer, self._sink = None, None

    def close(self) -> list[Path]:
        if self._pending_rows:
            self._flush(pa.concat_tables(self._pending))
        self._pending, self._pending_rows = [], 0
        self._finish_file()
        return self.outputs


class _Run:
    def __init__(self, index: int, path: Path) -> None:
        self.index = index
        self._source = pa.OSFile(str(path), "r")
        self._reader = ipc.open_file(self._source)
        self._next = 0
        self.last: Key | None = None

    @property
    def exhausted(self) -> bool:
        return self._next >= self._reader.num_record_batches

    def load(self) -> pa.Table | None:
        while not self.exhausted:
            batch = self._reader.get_batch(self._next)
            self._next += 1
            if batch.num_rows:
                self.last = _key_at(batch, batch.num_rows - 1)
                return pa.Table.from_batches([batch]).append_column(_RUN, pa.repeat(self.index, batch.num_rows))
        return None

    def close(self) -> None:
        self._source.close()


def _emit(table: pa.Table, writer: OutputWriter) -> None:
    if table.num_rows:
        writer.write(sort_by_key(table).drop_columns([*_HELPERS, _RUN]))


def sample_keys(table: pa.Table, every: int) -> list[Key]:
    """Every `every`-th key of a sorted run (with its helper columns): where the merge may cut."""
    picked = table.take(pa.array(range(0, table.num_rows, max(1, every)), pa.int64())).to_batches()
    return [_key_at(batch, row) for batch in picked for row in range(batch.num_rows)]


def merge_runs(
    paths: list[Path], writer: OutputWriter, bounds: list[Key], heartbeat: Callable[[], None] = lambda: None
) -> None:
    runs = [_Run(i, p) for i, p in enumerate(paths)]
    pending: list[pa.Table] = []
    try:
        for bound in [*sorted(bounds), None]:
            heartbeat()
            for run in runs:  # until each run's last loaded key passes the bound: all rows <= bound are here
                while not run.exhausted and (bound is None or run.last is None or run.last <= bound):
                    loaded = run.load()
                    if loaded is not None:
                        pending.append(loaded)
            if not pending:
                continue
            table = pa.concat_tables(pending)
            if bound is None:
                _emit(table, writer)
                pending = []
                continue
            ready = _at_most(table, bound)
            _emit(table.filter(ready), writer)
            pending = [table.filter(pc.invert(ready))]
            del table, ready
    finally:
        for run in runs:
            run.close()
