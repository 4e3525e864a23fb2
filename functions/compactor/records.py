"""Where the compactor keeps its state, and how: pending plans (JSON) and commit records (Parquet).

- `<prefix>events/dt=…/hour=…/c-<generation>-<n>.parquet`   merged objects (hidden until committed)
- `<prefix>compaction/pending/dt=…/hour=…/<generation>.json`  a plan: outputs written, not yet finished
- `<prefix>events_commits/dt=…/hour=…/<generation>.parquet`   the commit: what `events` sees (Athena too)
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
JSON = "application/json"
_COMMIT_SCHEMA = arrow_schema(EVENT_COMMITS)


def data_prefix(prefix: str, part: Partition) -> str:
    return f"{normalize_prefix(prefix)}{TABLE}/{part.path}/"


def commits_prefix(prefix: str, part: Partition) -> str:
    return f"{normalize_prefix(prefix)}{EVENT_COMMITS.folder}/{part.path}/"


def pending_prefix(prefix: str, part: Partition) -> str:
    return f"{normalize_prefix(prefix)}{PENDING}/{part.path}/"


def generation_of(part: Partition, inputs: list[str]) -> str:
    """Deterministic: a rerun over the same inputs rewrites the same output names."""
    text = "\n".join([part.path, *sorted(inputs)])
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

    def encode(self) -> bytes:
        return json.dumps(
            {
                "generation": self.generation,
                "added": list(self.added),
                "removed": list(self.removed),
                "rows": self.rows,
                "written_at_ms": self.written_at_ms,
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
