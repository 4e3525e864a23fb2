"""The lake's compaction lease: one compactor run at a time, on S3 or in a folder; a dead holder's expires.

The lease is one object, `<prefix>compaction/lease.json`: its holder, a token counting acquisitions, and
when it expires. Every change is a compare-and-swap on the object's tag (S3: `If-Match: <ETag>`, or
`If-None-Match: *` for the first; a folder: an exclusive lock, see `store.py`), so of two runs that read
the same lease only one can write the next one. A run acquires it if it is free, released or expired,
renews it while it works (between partitions, during a merge, and right before each commit), and releases
it at the end. A killed run keeps it until it expires (`ttl_ms`, longer than one Lambda run).

The lease saves work; it is not what keeps the lake right. A holder that stalled past its expiry may
still be running while the next holder works. What refuses its commit is the commit's own fence: a plan
may only become commit number `base + 1` of its partition, written once (`records.py`); once the new
holder has committed anything in that partition — or removed the stale holder's orphans, which takes a
commit too — that key exists and the stale commit is refused. A stale holder that renews or checks
before committing learns it lost the lease (`LeaseLost`) and stops.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from functions.clock import now_ms
from functions.compactor.records import lease_key
from functions.compactor.store import LakeStore

DEFAULT_TTL_MS = 20 * 60_000  # longer than the Lambda's 15-minute timeout


def _holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseBusy(RuntimeError):
    """Another run holds the lease and it has not expired."""


class LeaseLost(RuntimeError):
    """This run held the lease, and someone else took it over (it expired meanwhile)."""


@dataclass(frozen=True, slots=True)
class LeaseState:
    holder: str
    token: int
    expires_at_ms: int

    def encode(self) -> bytes:
        return json.dumps({"holder": self.holder, "token": self.token, "expires_at_ms": self.expires_at_ms}).encode()

    @classmethod
    def decode(cls, body: bytes) -> LeaseState:
        data = json.loads(body)
        return cls(str(data["holder"]), int(data["token"]), int(data["expires_at_ms"]))


@dataclass
class Lease:
    store: LakeStore
    prefix: str
    ttl_ms: int = DEFAULT_TTL_MS
    clock: Callable[[], int] = now_ms
    holder: str = field(default_factory=_holder_name)
    token: int = 0  # which acquisition of the lake's lease this is (0: not held)
    _tag: str | None = None
    _state: LeaseState | None = None
    _renewed_at_ms: int = 0

    @property
    def key(self) -> str:
        return lease_key(self.prefix)

    @property
    def held(self) -> bool:
        return self._tag is not None

    def acquire(self) -> None:
        """Take the lease, or raise `LeaseBusy` naming who holds it and until when."""
        now = self.clock()
        current = self.store.read_tagged(self.key)
        token, expected = 1, None
        if current is not None:
            state = LeaseState.decode(current[0])
            if state.holder != self.holder and state.expires_at_ms > now:
                raise LeaseBusy(f"held by {state.holder} until {state.expires_at_ms} (epoch ms)")
            token, expected = state.token + 1, current[1]
        self._write(LeaseState(self.holder, token, now + self.ttl_ms), expected, now, LeaseBusy)

    def renew(self, force: bool = False) -> None:
        """Extend the lease; `force`: even if it was renewed a moment ago (a check right before a commit)."""
        if self._tag is None or self._state is None:
            raise LeaseLost("the lease is not held")
        now = self.clock()
        fresh = now - self._renewed_at_ms < self.ttl_ms // 4 and now < self._state.expires_at_ms
        if fresh and not force:
            return
        self._write(LeaseState(self.holder, self.token, now + self.ttl_ms), self._tag, now, LeaseLost)

    def release(self) -> None:
        """Let the next run take it at once (a lease someone else took over is left alone)."""
        if self._tag is None:
            return
        self.store.write_tagged(self.key, LeaseState(self.holder, self.token, 0).encode(), self._tag)
        self._tag, self._state = None, None

    def _write(self, state: LeaseState, expected: str | None, now: int, refused: type[RuntimeError]) -> None:
        tag = self.store.write_tagged(self.key, state.encode(), expected)
        if tag is None:
            self._tag, self._state = None, None
            raise refused(f"the lease of {self.key} changed under {self.holder}")
        self._tag, self._state, self.token, self._renewed_at_ms = tag, state, state.token, now
