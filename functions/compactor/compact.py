"""Compaction: merge a closed partition's small objects into a few big ones, never showing a row twice.

Layout and reader rule: see `records.py` (where state lives) and `schemas/lake.py` (the `events` view:
a file a commit removed is hidden, a compacted `c-…` file is visible only once a commit added it,
any other file is visible). Athena evaluates that view; the local engine evaluates the same view.

One generation of one partition goes through these steps (`on_step` is called after each):
  1. `outputs_written`  merge the live inputs into `c-<gen>-<n>.parquet` objects (hidden: not added)
  2. `planned`          write the plan `compaction/pending/…/<gen>.json` (inputs, outputs, time T1)
  3. `committed`        at least G after T1: write the commit record `events_commits/…/<gen>.parquet`
                        once (If-None-Match), at time T2 — the single atomic switch
  4. `input_deleted`    at least G after T2: delete each input (once per input)
     `inputs_deleted`
  5. `finished`         delete the plan
G (`grace_ms`) is longer than any query may run (Athena kills DML queries at its timeout quota).

Why a query Q running during compaction sees every row exactly once. Let Q run within [s, e],
e - s < G. Q reads the commit records at some moment(s) and lists and reads objects at others, in
any order. Each commit record is one object, written once: Q either sees it or not. Let k be the
latest generation Q sees (commits are strictly ordered: one generation per partition at a time).
- Inputs of generations <= k are hidden for Q, whatever Q lists. Their rows are in the outputs of
  generation k or earlier, and those outputs are visible: written before T1(k) <= T2(k) - G, so before
  e - G < s, hence listed by Q; and deleted only G after a later commit T2(k+1), which Q did not see,
  so after s + G > e: Q can read them.
- Outputs of generations > k (and outputs of crashed attempts) are hidden: no commit Q sees adds them.
- Inputs of generation k + 1 are visible for Q and exist during Q: they are deleted G after T2(k+1),
  and T2(k+1) is after Q read the commits (it did not see k + 1), so after s.
- Rows of a generation's outputs are exactly the rows of its inputs (checked by `merge`). So each row
  is in exactly one visible file: the file holding it in the state after commit k.
Objects the parser writes meanwhile are never inputs of an ongoing generation (inputs are chosen
before), so they stay visible. A redelivered payload rewrites its old key: if that key was compacted
it is named as removed, so the copy is hidden (its rows are already in an output) and later deleted.

Crashes: every step is idempotent and the next run resumes from what it finds. Before 2 the outputs
are hidden orphans (deleted by the next run, which plans again). Between 2 and 3 the plan waits for
its commit; between 3 and 5 the inputs are hidden and the run deletes what is left. The commit is
written with If-None-Match: a retried commit never changes what was committed or when.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from functions.compactor import records
from functions.compactor.merge import merge
from functions.compactor.store import LakeStore
from functions.compactor.visibility import Change, ObjectInfo, is_compacted, live_objects
from functions.sinks.keys import HOUR_MS, Partition, partition_of_hour
from schemas.lake import REMOVED

MIB = 1024 * 1024
StepHook = Callable[[str, Partition], None]


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _ignore(step: str, part: Partition) -> None:
    return None


@dataclass(frozen=True, slots=True)
class CompactionConfig:
    target_bytes: int = 128 * MIB  # size of a merged object
    grace_ms: int = 0  # G: longer than any query runs (the Lambda uses an hour)
    close_after_ms: int = HOUR_MS  # a partition is compacted once its hour ended this long ago
    min_files: int = 2  # fewer live small files than this: nothing to gain
    max_input_bytes: int = 1024 * MIB  # per generation (memory: inputs are merged in memory)


@dataclass
class RunSummary:
    partitions: int = 0
    committed: int = 0
    waiting: int = 0
    files_in: int = 0
    files_out: int = 0
    rows: int = 0
    bytes_in: int = 0
    deleted: int = 0
    garbage: int = 0
    details: list[str] = field(default_factory=list)


@dataclass
class Compactor:
    store: LakeStore
    prefix: str
    config: CompactionConfig = field(default_factory=CompactionConfig)
    clock: Callable[[], int] = _now_ms
    on_step: StepHook = _ignore

    def run(self, partitions: Iterable[Partition], stop: Callable[[], bool] = lambda: False) -> RunSummary:
        """Each closed partition, oldest first, until `stop()` says the time is up (the rest: next run)."""
        summary = RunSummary()
        now = self.clock()
        for part in sorted(set(partitions)):
            if stop():
                break
            if self.is_closed(part, now):
                summary.partitions += 1
                self.compact_partition(part, summary)
        return summary

    def is_closed(self, part: Partition, now_ms: int) -> bool:
        day = datetime.strptime(part.dt, "%Y-%m-%d").replace(tzinfo=UTC)
        start = int(day.timestamp()) * 1000 + part.hour * HOUR_MS
        return start + HOUR_MS + self.config.close_after_ms <= now_ms

    def compact_partition(self, part: Partition, summary: RunSummary) -> None:
        plans = self._plans(part)
        if plans:  # finish what a previous run started before planning anything new
            for plan in plans:
                self._advance(part, plan, summary)
            return
        objects = [o for o in self.store.list(records.data_prefix(self.prefix, part)) if o.name.endswith(".parquet")]
        changes = self._changes(part)
        live = live_objects(objects, changes)
        self._collect_garbage(objects, live, changes, summary)
        inputs = self._choose_inputs(live)
        if len(inputs) < self.config.min_files:
            return
        plan = self._write_outputs(part, inputs, summary)
        self.on_step("outputs_written", part)
        self.store.put_if_absent(self._plan_key(part, plan.generation), plan.encode(), records.JSON)
        self.on_step("planned", part)
        self._advance(part, plan, summary)

    def _choose_inputs(self, live: list[ObjectInfo]) -> list[ObjectInfo]:
        small = [o for o in live if not is_compacted(o.name) or o.size < self.config.target_bytes // 2]
        chosen: list[ObjectInfo] = []
        total = 0
        for obj in sorted(small, key=lambda o: o.name):
            if chosen and total + obj.size > self.config.max_input_bytes:
                break
            chosen.append(obj)
            total += obj.size
        return chosen

    def _write_outputs(self, part: Partition, inputs: list[ObjectInfo], summary: RunSummary) -> records.Plan:
        names = [o.name for o in inputs]
        generation = records.generation_of(part, names)
        bodies, rows = merge([self.store.get(o.key) for o in inputs], self.config.target_bytes)
        base = records.data_prefix(self.prefix, part)
        added = tuple(records.output_name(generation, i) for i in range(len(bodies)))
        for name, body in zip(added, bodies, strict=True):
            self.store.put(base + name, body)
        summary.files_in += len(inputs)
        summary.files_out += len(bodies)
        summary.rows += rows
        summary.bytes_in += sum(o.size for o in inputs)
        return records.Plan(generation, added, tuple(names), rows, self.clock())

    def _advance(self, part: Partition, plan: records.Plan, summary: RunSummary) -> None:
        committed_at = self._committed_at(part, plan.generation)
        if committed_at is None:
            if self.clock() - plan.written_at_ms < self.config.grace_ms:
                summary.waiting += 1
                return
            present = {o.name for o in self.store.list(records.data_prefix(self.prefix, part))}
            if not set(plan.added) <= present:  # never commit outputs that aren't there: plan again instead
                self.store.delete(self._plan_key(part, plan.generation))
                summary.details.append(f"{part.path}: outputs of {plan.generation} missing, plan dropped")
                return
            committed_at = self.clock()
            if not self.store.put_if_absent(self._commit_key(part, plan.generation), self._commit(plan, committed_at)):
                committed_at = self._committed_at(part, plan.generation) or committed_at
            summary.committed += 1
            summary.details.append(f"{part.path}: {len(plan.removed)} objects → {len(plan.added)}, {plan.rows} rows")
            self.on_step("committed", part)
        if self.clock() - committed_at < self.config.grace_ms:
            summary.waiting += 1
            return
        base = records.data_prefix(self.prefix, part)
        for name in plan.removed:
            self.store.delete(base + name)
            summary.deleted += 1
            self.on_step("input_deleted", part)
        self.on_step("inputs_deleted", part)
        self.store.delete(self._plan_key(part, plan.generation))
        self.on_step("finished", part)

    def _collect_garbage(
        self, objects: list[ObjectInfo], live: list[ObjectInfo], changes: list[Change], summary: RunSummary
    ) -> None:
        """Hidden for good and older than G: orphans of crashed attempts, redelivered copies of inputs."""
        live_keys = {o.key for o in live}
        removed_at = {c.file: c.committed_at_ms for c in changes if c.change == REMOVED}
        now = self.clock()
        for obj in objects:
            if obj.key in live_keys:
                continue
            since = removed_at.get(obj.name, obj.modified_ms)  # hidden since its commit, or since it was written
            if now - since >= self.config.grace_ms:
                self.store.delete(obj.key)
                summary.garbage += 1

    def _plans(self, part: Partition) -> list[records.Plan]:
        found = self.store.list(records.pending_prefix(self.prefix, part))
        return [records.Plan.decode(self.store.get(o.key)) for o in found if o.name.endswith(".json")]

    def _changes(self, part: Partition) -> list[Change]:
        found = self.store.list(records.commits_prefix(self.prefix, part))
        return [c for o in found if o.name.endswith(".parquet") for c in records.decode_commit(self.store.get(o.key))]

    def _committed_at(self, part: Partition, generation: str) -> int | None:
        key = self._commit_key(part, generation)
        if not any(o.key == key for o in self.store.list(key)):
            return None
        changes = records.decode_commit(self.store.get(key))
        return min(c.committed_at_ms for c in changes)

    def _commit(self, plan: records.Plan, committed_at_ms: int) -> bytes:
        return records.encode_commit(plan.changes(committed_at_ms))

    def _commit_key(self, part: Partition, generation: str) -> str:
        return f"{records.commits_prefix(self.prefix, part)}{generation}.parquet"

    def _plan_key(self, part: Partition, generation: str) -> str:
        return f"{records.pending_prefix(self.prefix, part)}{generation}.json"


def partitions_between(start_ms: int, end_ms: int) -> list[Partition]:
    """Every hour partition from the hour of `start_ms` to the hour of `end_ms`, inclusive."""
    return [partition_of_hour(h) for h in range(start_ms // HOUR_MS, end_ms // HOUR_MS + 1)]


def discover_partitions(store: LakeStore, prefix: str) -> list[Partition]:
    """The partitions that hold objects or pending plans (a listing of the whole lake: for local use)."""
    found: set[Partition] = set()
    for base in (records.data_prefix(prefix, Partition("x", 0)), records.pending_prefix(prefix, Partition("x", 0))):
        root = base.split("dt=x/")[0]
        for obj in store.list(root):
            rest = obj.key[len(root) :].split("/")
            if len(rest) == 3 and rest[0].startswith("dt=") and rest[1].startswith("hour=") and rest[1][5:].isdigit():
                found.add(Partition(rest[0][3:], int(rest[1][5:])))
    return sorted(found)
