"""Which objects of a partition are live, in Python: the same rule as the `events` view (schemas/lake.py).

Pure. A file named as removed by any commit is hidden; a compacted file (`c-…`) is live only once a
commit names it as added; any other object (the parser's) is live. The rule is a union over commit
records, so it reads the same whether a reader sees a commit once, twice or alongside its successors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schemas.lake import ADDED, COMPACTED_PREFIX, REMOVED


@dataclass(frozen=True, slots=True)
class Change:
    """One row of a commit record: `file` was added to or removed from the partition by `generation`."""

    generation: str
    file: str
    change: str  # ADDED | REMOVED
    committed_at_ms: int


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """An object of the lake: its key, size and last-modified time (epoch ms)."""

    key: str
    size: int
    modified_ms: int

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]


def is_compacted(name: str) -> bool:
    return name.startswith(COMPACTED_PREFIX)


def is_live(name: str, added: frozenset[str], removed: frozenset[str]) -> bool:
    if name in removed:
        return False
    return name in added or not is_compacted(name)


def live_objects(objects: Iterable[ObjectInfo], changes: Iterable[Change]) -> list[ObjectInfo]:
    """The objects a reader of `events` sees in this partition, given the commits it sees."""
    changes = list(changes)
    added = frozenset(c.file for c in changes if c.change == ADDED)
    removed = frozenset(c.file for c in changes if c.change == REMOVED)
    return [o for o in objects if is_live(o.name, added, removed)]
