"""Build a lake from example events, as a user would: subscription payloads → `loglake ingest`."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from loglake.cli import main
from tests.support import awslogs_event

START_MS = 1795756166000  # 2026-11-27T05:09:26Z, the time of the repository's other fixtures


def payload(log_group: str, messages: list[str], start_ms: int = START_MS, step_ms: int = 1000) -> dict[str, Any]:
    base = zlib.crc32(log_group.encode()) % 10**6
    return {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": log_group,
        "logStream": "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
        "subscriptionFilters": ["loglake"],
        "logEvents": [
            {"id": f"{base:06d}{i:050d}", "timestamp": start_ms + i * step_ms, "message": message}
            for i, message in enumerate(messages)
        ],
    }


def ingest(lake: Path, payloads: list[dict[str, Any]]) -> None:
    events = lake.parent / f"{lake.name}-events.jsonl"
    events.write_text("\n".join(json.dumps(awslogs_event(p)) for p in payloads) + "\n", encoding="utf-8")
    assert main(["ingest", "--lake", str(lake), str(events)]) == 0


def payload_at(log_group: str, events: list[tuple[int, str]]) -> dict[str, Any]:
    """A payload of (epoch ms, message) events."""
    built = payload(log_group, [message for _, message in events])
    for event, (timestamp, _) in zip(built["logEvents"], events, strict=True):
        event["timestamp"] = timestamp
    return built
