"""`loglake ingest --opensearch`, `replay-failed` and `reindex` against the real node, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pytest
from opensearchpy import OpenSearch

from loglake.cli import main
from loglake.local_ingest import ingest_events, local_ingestor
from loglake.synth import Dataset
from tests.opensearch_support import (
    all_sources,
    count,
    index_without_column,
    lake_table,
    make_indexer,
    replay_once_fixed,
)


def events_file(dataset: Dataset, folder: Path) -> Path:
    path = folder / "events.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in dataset.deliveries))
    return path


def failed_files(lake: Path) -> list[Path]:
    return sorted((lake / "failed" / "opensearch").rglob("*.jsonl"))


def cli_ingest(dataset: Dataset, tmp_path: Path, url: str, prefix: str) -> tuple[int, Path]:
    lake = tmp_path / "lake"
    flags = ["--opensearch", url, "--opensearch-index-prefix", prefix]
    code = main(["ingest", "--lake", str(lake), *flags, str(events_file(dataset, tmp_path))])
    return code, lake


def test_ingest_with_opensearch_indexes_what_it_writes_to_the_lake(
    *,
    small_dataset: Dataset,
    tmp_path: Path,
    opensearch_url: str,
    os_client: OpenSearch,
    index_prefix: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lake = cli_ingest(small_dataset, tmp_path, opensearch_url, index_prefix)
    out = capsys.readouterr().out
    rows = lake_table(lake).num_rows
    assert code == 0 and rows == small_dataset.event_count
    assert f"opensearch: {rows:,} documents indexed, 0 failed" in out
    assert count(os_client, index_prefix) == rows


def test_replay_failed_recovers_the_documents_once_the_mapping_is_fixed(
    small_dataset: Dataset, tmp_path: Path, opensearch_url: str, os_client: OpenSearch, index_prefix: str
) -> None:
    # Given a daily index made by an older schema and template, without the `error_type` column
    index_without_column(os_client, index_prefix, "error_type")
    # When the parser indexes a dataset, the documents with an error type are rejected into failed/
    lake = tmp_path / "lake"
    indexer = make_indexer(os_client, lake, index_prefix)
    ingest_events(iter(small_dataset.deliveries), local_ingestor(lake, "eu-west-1", indexer))
    failures = [json.loads(line) for p in failed_files(lake) for line in p.read_text().splitlines()]
    assert failures and {f["reason"]["type"] for f in failures} == {"strict_dynamic_mapping_exception"}
    assert all("error_type" in f["document"] for f in failures)
    replay = ["replay-failed", "--lake", str(lake), "--url", opensearch_url]
    # And replaying before the fix keeps them there
    assert main(replay) == 1
    assert sum(len(p.read_text().splitlines()) for p in failed_files(lake)) == len(failures)
    # When the fix is applied (setup adds the missing column) and replay runs again
    assert replay_once_fixed(replay, opensearch_url, index_prefix) == 0
    # Then failed/ is empty and the index holds exactly the lake
    assert failed_files(lake) == []
    table = lake_table(lake)
    assert count(os_client, index_prefix) == table.num_rows
    assert set(all_sources(os_client, index_prefix)) == set(table["event_id"].to_pylist())


def test_reindex_from_the_lake_reproduces_the_index(
    small_dataset: Dataset, tmp_path: Path, opensearch_url: str, os_client: OpenSearch, index_prefix: str
) -> None:
    # Given an index built at ingest time
    cli_ingest(small_dataset, tmp_path, opensearch_url, index_prefix)
    lake = tmp_path / "lake"
    original = all_sources(os_client, index_prefix)
    # When the indices are lost and rebuilt from Parquet
    os_client.indices.delete(index=f"{index_prefix}-*")
    base = ["reindex", "--lake", str(lake), "--url", opensearch_url, "--index-prefix", index_prefix]
    assert main([*base, "--since", "2026-11-26", "--until", "2026-11-28", "--recreate"]) == 0
    # Then every document is back, identical
    assert all_sources(os_client, index_prefix) == original
    assert len(original) == lake_table(lake).num_rows


def test_reindex_takes_only_the_requested_time_range(
    small_dataset: Dataset, tmp_path: Path, opensearch_url: str, os_client: OpenSearch, index_prefix: str
) -> None:
    cli_ingest(small_dataset, tmp_path, opensearch_url, index_prefix)
    lake = tmp_path / "lake"
    os_client.indices.delete(index=f"{index_prefix}-*")
    base = ["reindex", "--lake", str(lake), "--url", opensearch_url, "--index-prefix", index_prefix]
    assert main([*base, "--since", "2026-11-27T00:00:00", "--until", "2026-11-27T00:30:00"]) == 0
    table = lake_table(lake)
    times = pc.cast(table["event_time"], "int64")
    start = 1_795_737_600_000
    expected = pc.sum(pc.and_(pc.greater_equal(times, start), pc.less(times, start + 1_800_000))).as_py()
    assert 0 < count(os_client, index_prefix) == expected < table.num_rows


def test_reindex_recreate_needs_whole_days(tmp_path: Path, opensearch_url: str, index_prefix: str) -> None:
    base = ["reindex", "--lake", str(tmp_path), "--url", opensearch_url, "--index-prefix", index_prefix]
    assert main([*base, "--since", "2026-11-27T06:00", "--until", "2026-11-28", "--recreate"]) == 2  # a usage error
