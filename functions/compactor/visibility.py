"""Which objects of the lake are live, in Python: the same rule as the `events` view (schemas/lake.py).

A file named as removed by any commit is hidden; a compacted file (`c-…`) is live only once a
commit names it as added; any other object (the parser's) is live. The rule is a union over commit
records, so it reads the same whether a reader sees a commit once, twice or alongside its successors.

`is_live` and `live_objects` are pure (one partition); `live_keys` applies them to a whole lake through
the store it is handed (a folder or S3): the compactor, reindex and the tests all ask it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from functions.sinks.keys import normalize_prefix
from functions.sinks.s3_parquet import TABLE
from schemas.lake import ADDED, COMPACTED_PREFIX, EVENT_COMMITS, REMOVED

if TYPE_CHECKING:
    from functions.compactor.store import LakeStore


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


def _by_partition(objects: list[ObjectInfo], root: str) -> dict[tuple[str, int], list[ObjectInfo]]:
    """Parquet objects `root`dt=…/hour=…/name grouped by (dt, hour); anything else under `root` is ignored."""
    found: dict[tuple[str, int], list[ObjectInfo]] = defaultdict(list)
    for obj in objects:
        parts = obj.key[len(root) :].split("/")
        if len(parts) != 3 or not parts[2].endswith(".parquet") or parts[2].startswith("."):
            continue
        if parts[0].startswith("dt=") and parts[1].removeprefix("hour=").isdigit():
            found[(parts[0].removeprefix("dt="), int(parts[1].removeprefix("hour=")))].append(obj)
    return found


def live_keys(
    store: LakeStore, prefix: str = "", first_day: str | None = None, last_day: str | None = None
) -> list[str]:
    """The keys of the data objects `events` shows, in the UTC days `first_day`..`last_day` (yyyy-mm-dd,
    inclusive; None: unbounded), sorted. Commits are read before the objects are listed: an output a
    commit adds was written before the commit, so the listing that follows includes it."""
    from functions.compactor.records import decode_commit  # records imports this module (Change)

    def in_range(dt: str) -> bool:
        return (first_day is None or dt >= first_day) and (last_day is None or dt <= last_day)

    commits_root = f"{normalize_prefix(prefix)}{EVENT_COMMITS.folder}/"
    objects_root = f"{normalize_prefix(prefix)}{TABLE}/"
    changes: dict[tuple[str, int], list[Change]] = defaultdict(list)
    for part, commits in _by_partition(store.list(commits_root), commits_root).items():
        if in_range(part[0]):
            for commit in commits:
                changes[part].extend(decode_commit(store.get(commit.key)))
    keys: list[str] = []
    for part, objects in sorted(_by_partition(store.list(objects_root), objects_root).items()):
        if in_range(part[0]):
            keys.extend(sorted(o.key for o in live_objects(objects, changes.get(part, []))))
    return keys
