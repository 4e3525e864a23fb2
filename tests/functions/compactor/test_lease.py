"""The lake's compaction lease, on a folder and on S3 (moto): one holder, expiry, refused stale writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from functions.compactor.lease import Lease, LeaseBusy, LeaseLost, LeaseState
from functions.compactor.store import LakeStore, LocalLakeStore, S3LakeStore

TTL = 60_000


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LakeStore]:
    if request.param == "folder":
        yield LocalLakeStore(tmp_path / "lake")
        return
    request.getfixturevalue("aws")
    client = boto3.client("s3")
    client.create_bucket(Bucket="lake", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    yield S3LakeStore(client, "lake")


def lease(store: LakeStore, now: list[int], holder: str) -> Lease:
    return Lease(store, "lake/", ttl_ms=TTL, clock=lambda: now[0], holder=holder)


def test_a_held_lease_is_refused_to_others_until_it_expires(store: LakeStore) -> None:
    now = [1_000_000]
    first, second = lease(store, now, "a"), lease(store, now, "b")
    # Given a holds the lease
    first.acquire()
    # When b tries before it expires, it is told who holds it
    with pytest.raises(LeaseBusy, match="held by a"):
        second.acquire()
    # When a dies and the lease expires, b takes it over with the next token
    now[0] += TTL
    second.acquire()
    assert (first.token, second.token) == (1, 2)
    # Then a, stale, can neither renew nor have its release undo b's lease
    with pytest.raises(LeaseLost):
        first.renew(force=True)
    first.release()
    body = store.read_tagged("lake/compaction/lease.json")
    assert body is not None and LeaseState.decode(body[0]).holder == "b"


def test_renewing_keeps_it_and_releasing_frees_it_at_once(store: LakeStore) -> None:
    now = [5_000_000]
    first, second = lease(store, now, "a"), lease(store, now, "b")
    first.acquire()
    # When a renews before expiry, the lease lives on past the first expiry
    now[0] += TTL - 1
    first.renew()
    now[0] += 2
    with pytest.raises(LeaseBusy):
        second.acquire()
    # When a releases, b gets it without waiting
    first.release()
    second.acquire()
    assert second.held and not first.held


def test_of_two_writers_that_read_the_same_lease_only_one_wins(store: LakeStore) -> None:
    # Given two writers that both read the same (expired) lease and its tag
    assert store.write_tagged("lake/compaction/lease.json", LeaseState("old", 1, 0).encode(), None) is not None
    assert store.write_tagged("lake/compaction/lease.json", b"x", None) is None  # it exists: If-None-Match fails
    current = store.read_tagged("lake/compaction/lease.json")
    assert current is not None
    # When both write the next lease against that tag
    won = store.write_tagged("lake/compaction/lease.json", LeaseState("a", 2, 9).encode(), current[1])
    lost = store.write_tagged("lake/compaction/lease.json", LeaseState("b", 2, 9).encode(), current[1])
    # Then the first write wins and the second is refused
    assert won is not None and lost is None
    after = store.read_tagged("lake/compaction/lease.json")
    assert after is not None and LeaseState.decode(after[0]).holder == "a" and after[1] == won
