"""`loglake trino setup` as a plan of statements (no server needed), and the client's clear errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from loglake.local_nodes import NodeError, find_java_home
from loglake.setup_plan import SetupError
from loglake.trino import Target, Trino, TrinoError, connect
from loglake.trino_setup import ensure_local_folders, lake_location, statements
from loglake.views import ordered_views


def test_the_plan_creates_the_schema_tables_partitions_then_every_view_in_order(tmp_path: Path) -> None:
    views = ordered_views()
    planned = statements("hive", "logs", str(tmp_path), views)
    labels = [s.label for s in planned]
    assert labels[:5] == [
        "schema logs",
        "table events_objects",
        "table events_commits",
        "partitions of events_objects",
        "partitions of events_commits",
    ]
    assert [s.sql for s in planned[5:]] == [v.sql for v in views] and views[0].name == "events"
    assert f"external_location = 'local://{tmp_path}/events/'" in planned[1].sql
    assert f"'local://{tmp_path}/events_commits/'" in planned[2].sql
    assert planned[3].sql == "CALL \"hive\".system.sync_partition_metadata('logs', 'events_objects', 'FULL')"


def test_recreating_drops_the_tables_after_the_schema_and_before_creating_them() -> None:
    labels = [s.label for s in statements("hive", "logs", "s3://b/lake", [], recreate_tables=True)]
    assert labels[:5] == [
        "schema logs",
        "drop table events_objects",
        "drop table events_commits",
        "table events_objects",
        "table events_commits",
    ]


@pytest.mark.parametrize(
    ("location", "seen"),
    [("s3://bucket/lake/", "s3://bucket/lake"), ("/srv/lake", "local:///srv/lake"), ("local:///x", "local:///x")],
)
def test_locations_are_urls_or_local_folders(location: str, seen: str) -> None:
    assert lake_location(location) == seen


@pytest.mark.parametrize(
    ("catalog", "schema", "location"), [("Hive", "s", "/x"), ("h", "a-b", "/x"), ("h", "s", "ftp://x")]
)
def test_bad_names_and_locations_are_refused_before_anything_runs(catalog: str, schema: str, location: str) -> None:
    with pytest.raises(SetupError):
        statements(catalog, schema, location, [])


def test_a_local_lake_gets_its_table_folders_a_remote_one_does_not(tmp_path: Path) -> None:
    ensure_local_folders(str(tmp_path / "lake"))
    ensure_local_folders("s3://bucket/lake")
    assert sorted(p.name for p in (tmp_path / "lake").iterdir()) == ["events", "events_commits"]
    assert not Path("s3:").exists()


def test_java_for_trino_is_the_first_jdk_new_enough(tmp_path: Path) -> None:
    homes = [tmp_path / "jdk17", tmp_path / "jdk25"]
    majors = {str(homes[0] / "bin" / "java"): 17, str(homes[1] / "bin" / "java"): 25}
    assert find_java_home(24, "Trino", homes, majors.__getitem__) == homes[1]
    with pytest.raises(NodeError, match=r"needs Java 24\+.*jdk17 \(Java 17\)"):
        find_java_home(24, "Trino", homes[:1], majors.__getitem__)


def test_an_unreachable_server_is_a_clear_error() -> None:
    target = Target("http://127.0.0.1:9", "hive", "logs")  # the discard port: nothing listens
    trino = Trino(connect(target), target, progress=io.StringIO())
    with pytest.raises(TrinoError, match=r"Trino at http://127.0.0.1:9 \(hive.logs\)"):
        trino.query("SELECT 1")


@pytest.mark.parametrize("server", ["127.0.0.1:8080", "ftp://host:1", "http://"])
def test_a_malformed_server_url_is_refused(server: str) -> None:
    with pytest.raises(TrinoError, match="expected http://host:port"):
        connect(Target(server))


def test_a_password_is_only_sent_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGLAKE_TRINO_PASSWORD", "s3cret")
    with pytest.raises(TrinoError, match="only over https"):
        connect(Target("http://trino.internal:8080"))
    assert connect(Target("https://trino.internal:8443")) is not None
