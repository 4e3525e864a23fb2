"""What indexing one batch did, and the shape of an indexer: shared by the parser (which only needs
an `Indexer`) and the OpenSearch sink (which is one), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa


@dataclass(frozen=True, slots=True)
class IndexOutcome:
    """What one batch did in OpenSearch. `indexed + failed == selected`; `skipped` rows were filtered out."""

    selected: int = 0
    skipped: int = 0
    indexed: int = 0
    failed: int = 0
    retries: int = 0
    failed_key: str | None = None
    error: str | None = None  # the failures could not be recorded either (they are still in the lake)


class Indexer(Protocol):
    """Indexes a normalized table; reports what happened, never raises for the search side's sake.
    `ends_at`: the monotonic time at which the invocation ends (None: a CLI run, no end)."""

    def index(self, table: pa.Table, identity: str, ends_at: float | None = None) -> IndexOutcome: ...
