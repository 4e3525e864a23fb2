"""Deterministic, safe object keys."""

from __future__ import annotations

import pytest

from functions.sinks.keys import HOUR_MS, Partition, normalize_prefix, object_key, partition_of_hour


def test_partition_of_an_hour_is_utc() -> None:
    # 2026-11-27T05:09:26Z
    assert partition_of_hour(1_795_756_166_000 // HOUR_MS) == Partition("2026-11-27", 5)
    assert Partition("2026-11-27", 5).path == "dt=2026-11-27/hour=05"


def test_same_identity_same_key_other_identity_other_key() -> None:
    part = Partition("2026-11-27", 5)
    assert object_key("lake/", "events", part, "a") == object_key("lake", "events", part, "a")
    assert object_key("lake/", "events", part, "a") != object_key("lake/", "events", part, "b")
    assert object_key("lake/", "events", part, "a").startswith("lake/events/dt=2026-11-27/hour=05/")


@pytest.mark.parametrize(
    "identity",
    ["../../etc/passwd", "/aws/lambda/x y", "grp=1/stream", "ロググループ\x1f..", "a\x00b", "\udcff"],
)
def test_names_never_reach_the_key(identity: str) -> None:
    key = object_key("lake/", "events", Partition("2026-11-27", 5), identity)
    name = key.rsplit("/", 1)[1]
    assert len(name) == len("0" * 32 + ".parquet") and name.endswith(".parquet")
    assert key.count("/") == 4 and ".." not in key


@pytest.mark.parametrize("prefix", ["../x", "a/../b", "a b/", "a/=b"])
def test_unsafe_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="unsafe lake prefix"):
        normalize_prefix(prefix)


def test_prefix_forms() -> None:
    assert normalize_prefix("") == ""
    assert normalize_prefix("/lake/v1/") == "lake/v1/"
