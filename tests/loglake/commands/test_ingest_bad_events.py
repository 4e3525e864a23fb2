"""`loglake ingest` over a file with hostile events: it reports each bad one and goes on with the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loglake.cli import main
from tests.support import awslogs_event, load_payload


def count(lake: Path, capsys: pytest.CaptureFixture[str]) -> int:
    assert main(["sql", "--lake", str(lake), "--format", "json", "SELECT count(*) AS n FROM events"]) == 0
    return int(json.loads(capsys.readouterr().out)[0]["n"])


@pytest.mark.parametrize("timestamp", [10**17, 2**63, -5])
def test_an_event_with_an_impossible_time_is_reported_and_the_good_ones_after_it_are_ingested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], timestamp: int
) -> None:
    # Given JSON Lines: a good payload, one with an impossible event time, then another good payload
    good_first = load_payload("awslogs_python_text.json")
    bad = load_payload("awslogs_node_text_mid_invocation.json")
    bad["logEvents"][0]["timestamp"] = timestamp
    good_last = load_payload("awslogs_java_snapstart.json")
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(awslogs_event(p)) + "\n" for p in (good_first, bad, good_last)))
    lake = tmp_path / "lake"
    # When it is ingested
    code = main(["ingest", "--lake", str(lake), str(events)])
    captured = capsys.readouterr()
    # Then the bad payload is named on a FAILED line, without a traceback, and the exit code says so
    assert code == 1
    assert "Traceback" not in captured.err
    failed = [line for line in captured.err.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1
    assert "event 1:" in failed[0] and "out of range" in failed[0] and bad["logEvents"][0]["id"] in failed[0]
    # And both good payloads are in the lake
    assert count(lake, capsys) == len(good_first["logEvents"]) + len(good_last["logEvents"])
