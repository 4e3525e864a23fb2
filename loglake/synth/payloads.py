"""Pack log lines into CloudWatch Logs subscription deliveries (REFERENCE §1)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from loglake.synth.lines import Line

SUBSCRIPTION_FILTER = "loglake"
CONTROL_TEXT = "CWL CONTROL MESSAGE: Checking health of destination Firehose."
REGION = "us-east-1"
KINESIS_STREAM = "loglake-logs"
_ID_SPACE = 10**40
_ID_MULTIPLIER = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd and not a multiple of 5: a bijection mod 10**40
_SEQUENCE_BASE = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898


def event_id(timestamp_ms: int, serial: int) -> str:
    """A CloudWatch-like 56-digit event id; unique for distinct serials, ordered by timestamp."""
    return f"3{timestamp_ms:015d}{(serial + 1) * _ID_MULTIPLIER % _ID_SPACE:040d}"


def encode(payload: dict[str, Any]) -> dict[str, Any]:
    """`{"awslogs": {"data": base64(gzip(json))}}`, byte-identical for an identical payload."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    data = base64.b64encode(gzip.compress(raw, compresslevel=1, mtime=0)).decode("ascii")
    return {"awslogs": {"data": data}}


def decode(delivery: dict[str, Any]) -> dict[str, Any]:
    """The decoded payload of a delivery (the inverse of `encode`)."""
    decoded: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(delivery["awslogs"]["data"])))
    return decoded


def data_payloads(
    owner: str, log_group: str, log_stream: str, events: list[dict[str, Any]], max_events: int
) -> Iterable[dict[str, Any]]:
    """DATA_MESSAGE payloads of one stream, at most `max_events` events each."""
    for begin in range(0, len(events), max_events):
        yield {
            "messageType": "DATA_MESSAGE",
            "owner": owner,
            "logGroup": log_group,
            "logStream": log_stream,
            "subscriptionFilters": [SUBSCRIPTION_FILTER],
            "logEvents": events[begin : begin + max_events],
        }


def log_events(lines: list[Line], first_serial: int) -> list[dict[str, Any]]:
    """Lines of one stream as logEvents, in timestamp order (stable for equal timestamps)."""
    ordered = sorted(lines, key=lambda line: line[0])
    return [
        {"id": event_id(ts, first_serial + i), "timestamp": ts, "message": message}
        for i, (ts, message) in enumerate(ordered)
    ]


def control_payload(timestamp_ms: int) -> dict[str, Any]:
    """The health check CloudWatch Logs sends when a subscription is created: no data."""
    return {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [{"id": "", "timestamp": timestamp_ms, "message": CONTROL_TEXT}],
    }


def kinesis_event(deliveries: list[dict[str, Any]], first: int = 0) -> dict[str, Any]:
    """The same payloads as one Kinesis Data Streams event (`Records[i].kinesis.data`); `first`: how many
    records of the shard came before them (consecutive batches of one shard go on numbering, as Kinesis does)."""
    payloads = [decode(delivery) for delivery in deliveries]
    owner = next((p["owner"] for p in payloads if p["messageType"] == "DATA_MESSAGE"), "123456789012")
    pairs = enumerate(zip(deliveries, payloads, strict=True), start=first)
    return {"Records": [_record(delivery, payload, i, owner) for i, (delivery, payload) in pairs]}


def _record(delivery: dict[str, Any], payload: dict[str, Any], index: int, owner: str) -> dict[str, Any]:
    sequence = str(_SEQUENCE_BASE + index * 7_919)
    events = payload["logEvents"]
    arrival = (max(e["timestamp"] for e in events) + 1_500) / 1000 if events else 0.0
    key = hashlib.md5(f"{payload['logGroup']}|{payload['logStream']}".encode(), usedforsecurity=False)
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": key.hexdigest(),
            "sequenceNumber": sequence,
            "data": delivery["awslogs"]["data"],
            "approximateArrivalTimestamp": arrival,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": f"arn:aws:iam::{owner}:role/loglake-parser",
        "awsRegion": REGION,
        "eventSourceARN": f"arn:aws:kinesis:{REGION}:{owner}:stream/{KINESIS_STREAM}",
    }
