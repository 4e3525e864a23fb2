"""Where the compactor keeps its state, and how: pending plans (JSON) and commit records (Parquet).

- `<prefix>events/dt=…/hour=…/c-<generation>-<n>.parquet`   merged objects (hidden until committed)
- `<prefix>compaction/pending/dt=…/hour=…/<generation>.json`  a plan: outputs written, not yet finished
- `<prefix>events_commits/dt=…/hour=…/seq-<n>.parquet`   the n-th commit: what `events` sees (Athena too)
- `<prefix>compaction/lease.json`                             who may compact the lake now (`lease.py`)
- `<prefix>compaction/attempts/dt=…/hour=…/attempt.json`     a merge in progress or failed (`compact.py`)

Commits of a partition are numbered 1, 2, 3…, each written once (If-None-Match): a plan records the
number of the last commit it saw (`base`) and may only become commit `base + 1`. Whoever writes that
key first wins; every other plan made on the same state is refused. (Lakes compacted before numbering
have commits named `<generation>.parquet`: still read, never numbered.)
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from functions.compactor.visibility import Change
from functions.sinks.keys import Partition, normalize_prefix
from functions.sinks.s3_parquet import TABLE
from schemas.arrow import arrow_schema
from schemas.lake import ADDED, COMPACTED_PREFIX, EVENT_COMMITS, REMOVED

PENDING = "compaction/pending"
ATTEMPTS = "compaction/attempts"
LEASE = "compaction/lease.json"
SEQ_PREFIX = "seq-"
JSON = "application/json"
_COMMIT_SCHEMA = arrow_schema(EVENT_COMMITS)


def data_prefix(prefix: str, part: Partition) -> str:
    return f"{normalize_prefix(prefix)}{TABLE}/{part.path}/"


def commits_prefix(prefix: str, part: Partition) -> str:
    return f"{normalize_prefix(prefix)}{EVENT_COMMITS.folder}/{part.path}/"


def pending_prefix(prefix: str, part: Partition) -> str:
    return f"{normalize_prefix(prefix)}{PENDING}/{part.path}/"


def attempts_prefix(prefix: str) -> str:
    return f"{normalize_prefix(prefix)}{ATTEMPTS}/"


def attempt_key(prefix: str, part: Partition) -> str:
    return f"{attempts_prefix(prefix)}{part.path}/attempt.json"


def lease_key(prefix: str) -> str:
    return f"{normalize_prefix(prefix)}{LEASE}"


def commit_key(prefix: str, part: Partition, seq: int) -> str:
    return f"{commits_prefix(prefix, part)}{SEQ_PREFIX}{seq:010d}.parquet"


def seq_of(name: str) -> int:
    """The number of a commit object (`seq-0000000007.parquet` → 7); 0 for an unnumbered (older) commit."""
    digits = name.removeprefix(SEQ_PREFIX).removesuffix(".parquet")
    return int(digits) if name.startswith(SEQ_PREFIX) and digits.isdigit() else 0


def generation_of(part: Partition, inputs: list[str], base: int = 0) -> str:
    """Deterministic: a rerun over the same inputs on the same state rewrites the same output names.

    The base commit is part of it: names a commit once removed (orphans of a dead plan) never come back.
    """
    text = "\n".join([part.path, f"base={base}", *sorted(inputs)])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def output_name(generation: str, index: int) -> str:
    return f"{COMPACTED_PREFIX}{generation}-{index:03d}.parquet"


@dataclass(frozen=True, slots=True)
class Plan:
    """A generation whose outputs are written: `added` will replace `removed` once committed."""

    generation: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    rows: int
    written_at_ms: int
    base: int = -1  # the last commit number the plan saw; -1: an older plan, never committed by this code

    def encode(self) -> bytes:
        return json.dumps(
            {
                "generation": self.generation,
                "added": list(self.added),
                "removed": list(self.removed),
                "rows": self.rows,
                "written_at_ms": self.written_at_ms,
                "base": self.base,
            },
            indent=1,
        ).encode()

    @classmethod
    def decode(cls, body: bytes) -> Plan:
        data = json.loads(body)
        return cls(
            generation=str(data["generation"]),
            added=tuple(str(n) for n in data["added"]),
            removed=tuple(str(n) for n in data["removed"]),
            rows=int(data["rows"]),
            written_at_ms=int(data["written_at_ms"]),
            base=int(data.get("base", -1)),
        )

    def changes(self, committed_at_ms: int) -> list[Change]:
        return [Change(self.generation, name, ADDED, committed_at_ms) for name in self.added] + [
            Change(self.generation, name, REMOVED, committed_at_ms) for name in self.removed
        ]


def encode_commit(changes: list[Change]) -> bytes:
    table = pa.Table.from_pydict(
        {
            "generation": [c.generation for c in changes],
            "file": [c.file for c in changes],
            "change": [c.change for c in changes],
            "committed_at": pa.array([c.committed_at_ms for c in changes], pa.int64()).cast(pa.timestamp("ms")),
        },
        schema=_COMMIT_SCHEMA,
    )
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def decode_commit(body: bytes) -> list[Change]:
    table = pq.read_table(io.BytesIO(body))
    times = table["committed_at"].cast(pa.int64()).to_pylist()
    return [
        Change(str(g), str(f), str(c), int(t or 0))
        for g, f, c, t in zip(
            table["generation"].to_pylist(), table["file"].to_pylist(), table["change"].to_pylist(), times, strict=True
        )
    ]
