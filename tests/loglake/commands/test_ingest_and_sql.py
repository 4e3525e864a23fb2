"""The CLI: `loglake ingest` then `loglake sql`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loglake.cli import main
from tests.support import ALL_LAMBDA_PAYLOADS, awslogs_event, encode_payload, kinesis_event, load_payload

TOTAL = sum(len(load_payload(name)["logEvents"]) for name in ALL_LAMBDA_PAYLOADS)


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """The same events as a JSON object, a JSON array, JSON Lines and a Kinesis event."""
    events = [awslogs_event(load_payload(name)) for name in ALL_LAMBDA_PAYLOADS]
    single = tmp_path / "single.json"
    single.write_text(json.dumps(events[0]))
    array = tmp_path / "array.json"
    array.write_text(json.dumps(events[1:2]))
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        json.dumps(events[2]) + "\n" + json.dumps(awslogs_event(load_payload("awslogs_control_message.json"))) + "\n"
    )
    kinesis = tmp_path / "kinesis.json"
    kinesis.write_text(json.dumps(kinesis_event([encode_payload(load_payload(ALL_LAMBDA_PAYLOADS[3]))])))
    return [single, array, lines, kinesis]


def count(lake: Path, capsys: pytest.CaptureFixture[str]) -> int:
    assert main(["sql", "--lake", str(lake), "--format", "json", "SELECT count(*) AS n FROM events"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return int(rows[0]["n"])


def test_ingest_every_input_shape_then_query(
    tmp_path: Path, inputs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    assert main(["ingest", "--lake", str(lake), *map(str, inputs)]) == 0
    out = capsys.readouterr().out
    assert f"ingested {TOTAL} events from 4 payloads" in out
    assert "1 control messages skipped" in out
    assert count(lake, capsys) == TOTAL


def test_reingesting_the_same_files_leaves_counts_unchanged(
    tmp_path: Path, inputs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    main(["ingest", "--lake", str(lake), *map(str, inputs)])
    files = sorted(p.name for p in lake.rglob("*.parquet"))
    main(["ingest", "--lake", str(lake), *map(str, inputs)])
    capsys.readouterr()
    assert sorted(p.name for p in lake.rglob("*.parquet")) == files
    assert count(lake, capsys) == TOTAL


def test_output_formats(tmp_path: Path, inputs: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    lake = tmp_path / "lake"
    main(["ingest", "--lake", str(lake), str(inputs[0])])
    capsys.readouterr()
    query = "SELECT request_id, status FROM lambda_invocations ORDER BY request_id"
    assert main(["sql", "--lake", str(lake), "--format", "csv", query]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "request_id,status",
        "a0c9ec80-9b8b-409e-8b92-4a4c006c15c1,timeout",
        "d1527f2e-75d1-404c-856f-b42bbda5d90b,error",
    ]
    assert main(["sql", "--lake", str(lake), query]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["request_id", "status"] and table[-1] == "(2 rows)"


def test_bad_input_files_and_queries_fail_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json\n")
    assert main(["ingest", "--lake", str(tmp_path / "lake"), str(bad)]) == 1
    assert "neither JSON nor JSON Lines" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps([{"awslogs": {"data": "aGVsbG8="}}, awslogs_event(load_payload(ALL_LAMBDA_PAYLOADS[0]))])
    )
    assert main(["ingest", "--lake", str(tmp_path / "lake"), str(broken)]) == 1
    captured = capsys.readouterr()
    assert "FAILED event 0: payload is not valid gzip" in captured.err
    assert "ingested 13 events" in captured.out
    assert main(["sql", "--lake", str(tmp_path / "lake"), "SELECT * FROM nowhere"]) == 1
    assert "nowhere" in capsys.readouterr().err
