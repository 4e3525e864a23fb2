"""Compaction: merge a closed partition's small objects into a few big ones, never showing a row twice.

Layout and reader rule: see `records.py` (where state lives) and `schemas/lake.py` (the `events` view:
a file a commit removed is hidden, a compacted `c-…` file is visible only once a commit added it,
any other file is visible). Athena evaluates that view; the local engine evaluates the same view.

One generation of one partition goes through these steps (`on_step` is called after each):
  1. `outputs_written`  merge the live inputs into `c-<gen>-<n>.parquet` objects (hidden: not added),
                        each event id once (`merge.py`), in bounded memory
  2. `planned`          write the plan `compaction/pending/…/<gen>.json` (inputs, outputs, time T1, and
                        `base`: the number of the partition's last commit when the inputs were chosen)
  3. `committed`        at least G after T1: write commit number base + 1, `events_commits/…/seq-<n>.parquet`,
                        once (If-None-Match), at time T2 — the single atomic switch. If that key exists and
                        is not this generation's, the state the plan was made on is gone: the plan is
                        refused (dropped; its outputs are orphans), and nothing of it becomes visible
  4. `input_deleted`    at least G after T2: delete each input (once per input)
     `inputs_deleted`
  5. `finished`         delete the plan
G (`grace_ms`) is longer than any query may run (Athena kills DML queries at its timeout quota).

Why a query Q running during compaction sees every row exactly once. Let Q run within [s, e],
e - s < G. Q reads the commit records at some moment(s) and lists and reads objects at others, in
any order. Each commit record is one object, written once: Q either sees it or not. Let k be the
latest generation Q sees (commits are strictly ordered: one generation per partition at a time).
Commits are strictly ordered because each has a number and each number is written once; a plan made on
commit n can only become n + 1, so two compactors (a stale lease holder, a second stack, a manual run)
can never both commit merges of the same rows: the second is refused.
- Inputs of generations <= k are hidden for Q, whatever Q lists. Their rows are in the outputs of
  generation k or earlier, and those outputs are visible: written before T1(k) <= T2(k) - G, so before
  e - G < s, hence listed by Q; and deleted only G after a later commit T2(k+1), which Q did not see,
  so after s + G > e: Q can read them.
- Outputs of generations > k (and outputs of crashed attempts) are hidden: no commit Q sees adds them.
- Inputs of generation k + 1 are visible for Q and exist during Q: they are deleted G after T2(k+1),
  and T2(k+1) is after Q read the commits (it did not see k + 1), so after s.
- Rows of a generation's outputs are the rows of its inputs, one per event id, minus ids a live compacted
  object outside the inputs holds (checked by `merge`). So each event is in exactly one visible file.
Objects the parser writes meanwhile are never inputs of an ongoing generation (inputs are chosen
before), so they stay visible. A redelivered payload rewrites its old key: if that key was compacted
it is named as removed, so the copy is hidden (its rows are already in an output) and later deleted.

Crashes: every step is idempotent and the next run resumes from what it finds. Before 2 the outputs
are hidden orphans: the next run names them removed in a commit of their own (which also fences off any
plan still in flight elsewhere) and deletes them, then plans again. Between 2 and 3 the plan waits for
its commit; between 3 and 5 the inputs are hidden and the run deletes what is left. The commit is
written with If-None-Match: a retried commit never changes what was committed or when.

A partition whose merge fails (an exception, or a run killed while merging: out of memory, timeout)
never blocks the others: it is counted (`failed`, `interrupted`: the `PartitionsFailed` metric), marked in
`compaction/attempts/`, and retried after the other partitions on the next runs. Writes a killed run
left half done (`.….tmp` in a folder, merge spill folders) are removed once older than a safe age.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from functions.clock import now_ms
from functions.compactor import records
from functions.compactor.lease import Lease, LeaseBusy, LeaseLost
from functions.compactor.merge import merge_files
from functions.compactor.store import LakeStore
from functions.compactor.visibility import Change, ObjectInfo, is_compacted, live_objects
from functions.sinks.keys import HOUR_MS, Partition, partition_of_hour
from schemas.lake import REMOVED

MIB = 1024 * 1024
StepHook = Callable[[str, Partition], None]
RUNNING, FAILED = "running", "failed"


def _ignore(step: str, part: Partition) -> None:
    return None


@dataclass(frozen=True, slots=True)
class CompactionConfig:
    target_bytes: int = 128 * MIB  # size of a merged object
    grace_ms: int = 0  # G: longer than any query runs (the Lambda uses an hour)
    close_after_ms: int = HOUR_MS  # a partition is compacted once its hour ended this long ago
    min_files: int = 2  # fewer live small files than this: nothing to gain
    max_input_bytes: int = 1024 * MIB  # per generation (more: the next generation takes the rest)
    budget_bytes: int = 32 * MIB  # Arrow data a merge holds at once (peak memory is a few times this)
    temporary_age_ms: int = 30 * 60_000  # a write in progress older than this was abandoned
    workdir: str | None = None  # where merges spill (default: the system's temporary folder)


@dataclass
class RunSummary:
    partitions: int = 0
    committed: int = 0
    waiting: int = 0
    files_in: int = 0
    files_out: int = 0
    rows: int = 0
    duplicates: int = 0  # rows dropped by merges: later copies of an event id
    deleted: int = 0
    garbage: int = 0
    refused: int = 0  # plans whose commit number someone else took: dropped, nothing visible changed
    failed: int = 0  # partitions whose compaction raised in this run (retried on the next runs)
    interrupted: int = 0  # partitions an earlier run died merging (killed, out of memory, timeout)
    temporaries: int = 0  # abandoned writes removed
    busy: str = ""  # another run holds the lease: this one did nothing
    details: list[str] = field(default_factory=list)


@dataclass
class Compactor:
    store: LakeStore
    prefix: str
    config: CompactionConfig = field(default_factory=CompactionConfig)
    clock: Callable[[], int] = now_ms
    on_step: StepHook = _ignore
    lease: Lease | None = None

    def run(self, partitions: Iterable[Partition], stop: Callable[[], bool] = lambda: False) -> RunSummary:
        """Each closed partition, oldest first, until `stop()` says the time is up (the rest: next run).

        Partitions a previous attempt could not merge come last, so one bad hour never starves the others.
        """
        summary = RunSummary()
        if self.lease is not None:
            try:
                self.lease.acquire()
            except LeaseBusy as busy:
                summary.busy = str(busy)
                return summary
        try:
            self._remove_stale_workdirs(summary)
            now = self.clock()
            closed = [p for p in sorted(set(partitions)) if self.is_closed(p, now)]
            troubled = self._troubled(closed, summary)
            for part in [p for p in closed if p not in troubled] + [p for p in closed if p in troubled]:
                if stop():
                    break
                summary.partitions += 1
                if not self._compact_isolated(part, summary):
                    break
        finally:
            if self.lease is not None:
                self.lease.release()
        return summary

    def _compact_isolated(self, part: Partition, summary: RunSummary) -> bool:
        """Compact one partition; a failure is counted and marked, never raised. False: the lease was lost."""
        try:
            self._renew()
            self.compact_partition(part, summary)
        except LeaseLost as lost:
            summary.details.append(f"{part.path}: stopped, {lost}")
            return False
        except Exception as error:  # this hour is retried on later runs, after the others
            summary.failed += 1
            summary.details.append(f"{part.path}: failed: {error!r}")
            self._mark_attempt(part, FAILED, repr(error))
        return True

    def _renew(self, force: bool = False) -> None:
        if self.lease is not None:
            self.lease.renew(force)

    def is_closed(self, part: Partition, now_ms: int) -> bool:
        day = datetime.strptime(part.dt, "%Y-%m-%d").replace(tzinfo=UTC)
        start = int(day.timestamp()) * 1000 + part.hour * HOUR_MS
        return start + HOUR_MS + self.config.close_after_ms <= now_ms

    def compact_partition(self, part: Partition, summary: RunSummary) -> None:
        self._remove_temporaries(part, summary)
        changes, head = self._commits(part)
        plans = self._plans(part)
        if plans:  # finish what a previous run started before planning anything new
            for plan in plans:
                self._advance(part, plan, changes, head, summary)
            return
        objects = [o for o in self.store.list(records.data_prefix(self.prefix, part)) if o.name.endswith(".parquet")]
        live = live_objects(objects, changes)
        head = self._collect_garbage(part, objects, live, changes, head, summary)
        inputs = self._choose_inputs(live)
        if len(inputs) < self.config.min_files:
            return
        chosen = {o.key for o in inputs}
        known = [o for o in live if is_compacted(o.name) and o.key not in chosen]
        self._mark_attempt(part, RUNNING)
        plan = self._write_outputs(part, inputs, known, head, summary)
        self.on_step("outputs_written", part)
        self.store.put_if_absent(self._plan_key(part, plan.generation), plan.encode(), records.JSON)
        self.store.delete(records.attempt_key(self.prefix, part))
        self.on_step("planned", part)
        self._advance(part, plan, changes, head, summary)

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

    def _write_outputs(
        self, part: Partition, inputs: list[ObjectInfo], known: list[ObjectInfo], head: int, summary: RunSummary
    ) -> records.Plan:
        names = [o.name for o in inputs]
        generation = records.generation_of(part, names, head)
        base = records.data_prefix(self.prefix, part)
        root = self._workdir_root()
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=root, prefix="merge-"))
        try:
            downloads = work / "in"
            downloads.mkdir()
            paths = [self.store.fetch(o.key, downloads) for o in inputs]
            known_paths = [self.store.fetch(o.key, downloads) for o in known]
            config = self.config
            result = merge_files(
                paths,
                known_paths,
                work,
                target_bytes=config.target_bytes,
                budget_bytes=config.budget_bytes,
                heartbeat=self._renew,
            )
            added = tuple(records.output_name(generation, i) for i in range(len(result.outputs)))
            for name, path in zip(added, result.outputs, strict=True):
                self.store.put_file(base + name, path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        summary.files_in += len(inputs)
        summary.files_out += len(added)
        summary.rows += result.rows_out
        summary.duplicates += result.duplicates
        return records.Plan(generation, added, tuple(names), result.rows_out, self.clock(), head)

    def _advance(
        self, part: Partition, plan: records.Plan, changes: list[Change], head: int, summary: RunSummary
    ) -> None:
        committed_at = _committed_at(changes, plan.generation)
        if committed_at is None:
            if plan.base < 0 or plan.base < head:  # made on a state another commit has replaced
                self._drop(part, plan, summary, f"refused: commit {plan.base + 1} is another's")
                return
            if self.clock() - plan.written_at_ms < self.config.grace_ms:
                summary.waiting += 1
                return
            present = {o.name for o in self.store.list(records.data_prefix(self.prefix, part))}
            if not set(plan.added) <= present:  # never commit outputs that aren't there: plan again instead
                self._drop(part, plan, summary, "outputs missing, plan dropped", refused=False)
                return
            self._renew(force=True)  # a run that lost the lease stops here (the fence below is the guarantee)
            committed_at = self.clock()
            key = records.commit_key(self.prefix, part, plan.base + 1)
            if not self.store.put_if_absent(key, records.encode_commit(plan.changes(committed_at))):
                committed_at = _committed_at(self._commits(part)[0], plan.generation)
                if committed_at is None:
                    self._drop(part, plan, summary, f"refused: commit {plan.base + 1} is another's")
                    return
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

    def _drop(self, part: Partition, plan: records.Plan, summary: RunSummary, why: str, refused: bool = True) -> None:
        self.store.delete(self._plan_key(part, plan.generation))
        summary.refused += int(refused)
        summary.details.append(f"{part.path}: outputs of {plan.generation} {why}")

    def _collect_garbage(  # noqa: PLR0917 - one partition's state, read once by the caller
        self,
        part: Partition,
        objects: list[ObjectInfo],
        live: list[ObjectInfo],
        changes: list[Change],
        head: int,
        summary: RunSummary,
    ) -> int:
        """Delete what is hidden for good and older than G; returns the partition's last commit number.

        Inputs a commit removed (and redelivered copies of them) go once G passed since that commit.
        Outputs no commit added (a crashed or refused attempt) are first named removed in a commit of their
        own: that takes the next commit number, so no plan still in flight can commit them afterwards.
        """
        live_keys = {o.key for o in live}
        removed_at = {c.file: c.committed_at_ms for c in changes if c.change == REMOVED}
        now = self.clock()
        orphans: list[ObjectInfo] = []
        for obj in objects:
            if obj.key in live_keys:
                continue
            if obj.name not in removed_at:
                if now - obj.modified_ms >= self.config.grace_ms:
                    orphans.append(obj)
            elif now - removed_at[obj.name] >= self.config.grace_ms:
                self.store.delete(obj.key)
                summary.garbage += 1
        if not orphans:
            return head
        self._renew(force=True)
        fence = [Change(f"orphans-{head + 1}", o.name, REMOVED, now) for o in orphans]
        if not self.store.put_if_absent(records.commit_key(self.prefix, part, head + 1), records.encode_commit(fence)):
            return head  # someone committed meanwhile: leave them to the next run
        for obj in orphans:
            self.store.delete(obj.key)
            summary.garbage += 1
        return head + 1

    def _plans(self, part: Partition) -> list[records.Plan]:
        found = self.store.list(records.pending_prefix(self.prefix, part))
        return [records.Plan.decode(self.store.get(o.key)) for o in found if o.name.endswith(".json")]

    def _commits(self, part: Partition) -> tuple[list[Change], int]:
        """Every change the partition's commits record, and the number of its last commit."""
        found = [o for o in self.store.list(records.commits_prefix(self.prefix, part)) if o.name.endswith(".parquet")]
        changes = [c for o in found for c in records.decode_commit(self.store.get(o.key))]
        return changes, max((records.seq_of(o.name) for o in found), default=0)

    def _changes(self, part: Partition) -> list[Change]:
        return self._commits(part)[0]

    def _plan_key(self, part: Partition, generation: str) -> str:
        return f"{records.pending_prefix(self.prefix, part)}{generation}.json"

    def _mark_attempt(self, part: Partition, state: str, error: str = "") -> None:
        body = json.dumps({"state": state, "at_ms": self.clock(), "error": error}).encode()
        self.store.put(records.attempt_key(self.prefix, part), body, records.JSON)

    def _troubled(self, closed: list[Partition], summary: RunSummary) -> set[Partition]:
        """Partitions with an unfinished merge attempt. One still `running` was killed: count it, once."""
        troubled = set()
        marked = {o.key for o in self.store.list(records.attempts_prefix(self.prefix))}
        for part in closed:
            key = records.attempt_key(self.prefix, part)
            if key not in marked:
                continue
            troubled.add(part)
            state = json.loads(self.store.get(key)).get("state")
            if state == RUNNING:
                summary.interrupted += 1
                summary.details.append(f"{part.path}: an earlier run died merging it")
                self._mark_attempt(part, FAILED, "the run died while merging (killed, out of memory, timeout)")
        return troubled

    def _remove_temporaries(self, part: Partition, summary: RunSummary) -> None:
        older_than = self.clock() - self.config.temporary_age_ms
        for prefix in (
            records.data_prefix(self.prefix, part),
            records.pending_prefix(self.prefix, part),
            records.commits_prefix(self.prefix, part),
        ):
            summary.temporaries += self.store.remove_temporaries(prefix, older_than)

    def _workdir_root(self) -> Path:
        return Path(self.config.workdir or tempfile.gettempdir()) / "loglake-compactor"

    def _remove_stale_workdirs(self, summary: RunSummary) -> None:
        """Spill folders of a merge that was killed (a Lambda's /tmp outlives a timed-out run)."""
        root = self._workdir_root()
        if not root.is_dir():
            return
        older_than = (self.clock() - self.config.temporary_age_ms) / 1000
        for folder in root.iterdir():
            try:
                if folder.stat().st_mtime < older_than:
                    shutil.rmtree(folder, ignore_errors=True)
                    summary.temporaries += 1
            except FileNotFoundError:
                continue


def _committed_at(changes: list[Change], generation: str) -> int | None:
    return min((c.committed_at_ms for c in changes if c.generation == generation), default=None)


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
