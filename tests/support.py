"""Helpers shared by the tests: load the real-shaped payloads of tests/events and wrap them as triggers."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent / "events"


def load_payload(name: str) -> dict[str, Any]:
    """A decoded CloudWatch Logs subscription payload from tests/events/lambda."""
    data: dict[str, Any] = json.loads((EVENTS / "lambda" / name).read_text(encoding="utf-8"))
    return data


def encode_payload(payload: dict[str, Any]) -> str:
    return base64.b64encode(gzip.compress(json.dumps(payload).encode("utf-8"))).decode("ascii")


def awslogs_event(payload: dict[str, Any]) -> dict[str, Any]:
    return {"awslogs": {"data": encode_payload(payload)}}


def kinesis_event(datas: list[str], stream: str = "loglake-logs") -> dict[str, Any]:
    """A Kinesis Data Streams event whose records carry `datas` (base64 strings) in order."""
    arn = f"arn:aws:kinesis:eu-west-1:123456789012:stream/{stream}"
    records = []
    for i, data in enumerate(datas):
        records.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": f"pk-{i}",
                    "sequenceNumber": f"4959003434535267659780209{i:04d}",
                    "data": data,
                    "approximateArrivalTimestamp": 1795756166.123,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"shardId-000000000000:4959003434535267659780209{i:04d}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/loglake-parser",
                "awsRegion": "eu-west-1",
                "eventSourceARN": arn,
            }
        )
    return {"Records": records}


ALL_LAMBDA_PAYLOADS = (
    "awslogs_python_text.json",
    "awslogs_node_text_mid_invocation.json",
    "awslogs_java_snapstart.json",
    "awslogs_json_format.json",
)


class FakeContext:
    """The parts of a Lambda context the handlers and Powertools read."""

    function_name = "loglake-parser"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-parser"
    memory_limit_in_mb = 512
    aws_request_id = "c0ffee00-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/loglake-parser"
    log_stream_name = "2026/11/27/[$LATEST]abc"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def lambda_payloads_lake(root: Path) -> Path:
    """A folder lake holding every Lambda payload fixture (ALL_LAMBDA_PAYLOADS), ingested as the CLI does."""
    from loglake.local_ingest import ingest_events, local_ingestor

    ingest_events(
        iter([awslogs_event(load_payload(name)) for name in ALL_LAMBDA_PAYLOADS]), local_ingestor(root, "eu-west-1")
    )
    return root
