"""The corpus's real deliveries through the parser's handler code into a lake, and `lambda_invocations`
(the real view file, on DuckDB) against the invocations written by reading the lines: custom log groups
split by stream, failures other than timeouts fail the invocation, versions come from the stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from loglake.engine import LocalEngine
from loglake.local_ingest import ingest_events, local_ingestor
from tests.functions.parser.real_corpus import CORPUS, REGION, deliveries
from tests.support import awslogs_event


def _payload(batch: Any) -> dict[str, Any]:
    return {
        "messageType": "DATA_MESSAGE",
        "owner": batch.owner,
        "logGroup": batch.log_group,
        "logStream": batch.log_stream,
        "subscriptionFilters": ["loglake"],
        "logEvents": [
            {"id": i, "timestamp": t, "message": m}
            for i, t, m in zip(batch.event_ids, batch.timestamps, batch.messages, strict=True)
        ],
    }


@pytest.fixture(scope="module")
def invocations(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, Any]]:
    lake = tmp_path_factory.mktemp("real-lake")
    events = [awslogs_event(_payload(d.batch)) for d in deliveries()]
    summary = ingest_events(iter(events), local_ingestor(lake, REGION))
    assert summary.failed_items == []
    rows = LocalEngine(Path(lake)).query("SELECT * FROM lambda_invocations").records()
    return {(r["function_name"], r["request_id"]): r for r in rows}


def expected() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((CORPUS / "invocations.json").read_text(encoding="utf-8"))["invocations"]
    return data


def test_every_invocation_and_only_those(invocations: dict[tuple[str, str], dict[str, Any]]) -> None:
    # Given the real deliveries in a lake, When lambda_invocations is read
    # Then it holds exactly the invocations read from the lines, none lumped under a NULL function
    assert set(invocations) == {(i["function_name"], i["request_id"]) for i in expected()}


@pytest.mark.parametrize("want", expected(), ids=lambda i: f"{i['function_name']}:{i['request_id'][:8]}")
def test_each_invocation_has_the_values_read_from_its_lines(
    invocations: dict[tuple[str, str], dict[str, Any]], want: dict[str, Any]
) -> None:
    # Given one invocation read from the corpus, Then the view's row for it agrees, value by value
    row = invocations[(want["function_name"], want["request_id"])]
    got = {key: row[key] for key in want}
    assert got == {**want, "duration_ms": pytest.approx(want["duration_ms"])}


def test_a_custom_log_group_shared_by_two_functions_splits_them(
    invocations: dict[tuple[str, str], dict[str, Any]],
) -> None:
    # Given the custom group /org/team/app written to by two functions (their names only in the streams)
    shared = {key: row for key, row in invocations.items() if key[0] in ("native-api", "receipt-worker")}
    # Then each function has its own invocations and version, and the crashed ones failed
    assert {(fn, row["function_version"], row["status"]) for (fn, _), row in shared.items()} == {
        ("native-api", "$LATEST", "error"),
        ("receipt-worker", "7", "success"),
    }
    assert None not in {fn for fn, _ in invocations}
