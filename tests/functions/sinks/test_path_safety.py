"""Hostile log group and stream names (`..`, `/`, spaces, unicode, `=`) through the handler: every object
lands under the lake prefix in a well-formed `dt=…/hour=…` partition, and the names come back intact."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.parser.ingest import Ingestor
from functions.parser.wiring import handle
from functions.sinks.s3_parquet import LocalStore, S3Store
from loglake.engine import LocalEngine
from tests.support import awslogs_event

KEY = re.compile(r"^lake/events/dt=\d{4}-\d\d-\d\d/hour=\d\d/[0-9a-f]{32}\.parquet$")
HOSTILE = [
    "../../etc",
    "/aws/lambda/../../x",
    "a/b/../../../c",
    "dt=1999-01-01/hour=99",
    "with space",
    "ünï©ødé/日本",
    "..",
    "/",
    "=",
    "a=b/c=d",
    "x\ny",
    "\\..\\..\\windows",
]


def payload(group: str, stream: str) -> dict[str, Any]:
    return {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": group,
        "logStream": stream,
        "subscriptionFilters": ["f"],
        "logEvents": [
            {"id": f"{i}", "timestamp": 1795737600000 + i * 3_600_000, "message": f"line {i}"} for i in range(3)
        ],
    }


def local_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@settings(max_examples=15, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=40)), st.sampled_from(HOSTILE))
def test_names_never_escape_the_lake_folder(group: str, stream: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        ingestor = Ingestor(store=LocalStore(root), prefix="lake/", region="r")
        summary, _ = handle(awslogs_event(payload(group, stream)), ingestor)
        assert summary.rows_written == 3
        files = local_files(Path(tmp))
        assert files and all(KEY.match(f.removeprefix("root/")) for f in files), files
        query = "SELECT DISTINCT log_group, log_stream, dt, hour FROM events ORDER BY hour"
        names = LocalEngine(root / "lake").query(query).rows
    assert {(g, s) for g, s, _, _ in names} == {(group, stream)}
    assert [(dt, hour) for _, _, dt, hour in names] == [("2026-11-27", 0), ("2026-11-27", 1), ("2026-11-27", 2)]


@pytest.mark.parametrize("group", HOSTILE)
def test_names_never_escape_the_prefix_on_s3(aws: None, group: str) -> None:
    client = boto3.client("s3")
    client.create_bucket(Bucket="lake", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    ingestor = Ingestor(store=S3Store(client, "lake"), prefix="lake/", region="r")
    handle(awslogs_event(payload(group, group)), ingestor)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="lake")["Contents"]]
    assert len(keys) == 3 and all(KEY.match(k) for k in keys), keys
