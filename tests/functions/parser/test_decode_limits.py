"""Decoding under attack: decompression bombs and impossible event times get a clear `DecodeError`.

Memory is measured with tracemalloc: the bytes objects zlib hands back are Python allocations, so
its peak is what decompressing a payload costs.
"""

from __future__ import annotations

import base64
import gzip
import json
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamEvent

from functions.parser.decode import (
    MAX_DECOMPRESSED_BYTES,
    DecodeError,
    batch_from_json,
    decode_awslogs,
    decode_kinesis_record,
)
from tests.support import kinesis_event, load_payload

MIB = 1024 * 1024


def bomb(decompressed_mib: int, wbits: int = 31) -> bytes:
    """A valid-looking payload whose one message is `decompressed_mib` MiB of 'A', compressed
    a MiB at a time (never held whole): gzip by default (wbits 31), zlib with wbits 15."""
    head = json.dumps(
        {
            "messageType": "DATA_MESSAGE",
            "owner": "123456789012",
            "logGroup": "/aws/lambda/orders-api",
            "logStream": "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
            "subscriptionFilters": ["loglake"],
            "logEvents": [{"id": "1", "timestamp": 1795756166123, "message": ""}],
        }
    )
    before, after = head.split('"message": ""')
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [packer.compress((before + '"message": "').encode())]
    block = b"A" * MIB
    parts += [packer.compress(block) for _ in range(decompressed_mib)]
    parts += [packer.compress(('"' + after).encode()), packer.flush()]
    return b"".join(parts)


def as_awslogs(compressed: bytes) -> dict[str, Any]:
    return {"awslogs": {"data": base64.b64encode(compressed).decode("ascii")}}


def peak_bytes(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    except DecodeError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_a_gzip_bomb_is_refused_with_a_clear_error_and_bounded_memory() -> None:
    # Given a 0.3 MB payload that inflates to 256 MiB, four times the cap
    compressed = bomb(256)
    assert len(compressed) < MIB // 2
    event = as_awslogs(compressed)
    # When it is decoded, Then it is refused as a bomb
    with pytest.raises(DecodeError, match="decompression bomb"):
        decode_awslogs(event)
    # And decoding it never held much more than the cap (the whole message would be 256 MiB)
    assert peak_bytes(lambda: decode_awslogs(event)) < MAX_DECOMPRESSED_BYTES + 16 * MIB


def test_a_zlib_bomb_through_kinesis_is_refused_too() -> None:
    # Given a Kinesis record whose data is a zlib (not gzip) stream inflating past the cap
    data = base64.b64encode(bomb(96, wbits=15)).decode("ascii")
    record = next(iter(KinesisStreamEvent(kinesis_event([data])).records))
    # When it is decoded, Then it is refused as a bomb
    with pytest.raises(DecodeError, match="decompression bomb"):
        decode_kinesis_record(record)


def test_the_largest_payloads_cloudwatch_can_send_still_decode() -> None:
    # Given a payload at CloudWatch's own ceiling: one PutLogEvents batch of 1 MiB of messages as
    # 4 events of 256 KB, each made of control characters JSON escapes six-fold (`\u0001`)
    events = [{"id": str(i), "timestamp": 1795756166123 + i, "message": "\x01" * (256 * 1024)} for i in range(4)]
    payload = load_payload("awslogs_python_text.json") | {"logEvents": events}
    raw = json.dumps(payload).encode()
    assert len(raw) > 6 * MIB
    # When it is decoded
    batch = decode_awslogs(as_awslogs(gzip.compress(raw)))
    # Then every event is there, whole
    assert batch is not None
    assert batch.messages == [e["message"] for e in events]


def test_several_gzip_members_and_a_zlib_stream_decode_like_one_payload() -> None:
    payload = load_payload("awslogs_python_text.json")
    raw = json.dumps(payload).encode()
    half = len(raw) // 2
    two_members = gzip.compress(raw[:half]) + gzip.compress(raw[half:])
    for compressed in (two_members, zlib.compress(raw)):
        batch = decode_awslogs(as_awslogs(compressed))
        assert batch is not None and batch.event_ids == [e["id"] for e in payload["logEvents"]]


def test_a_truncated_stream_is_refused() -> None:
    compressed = gzip.compress(json.dumps(load_payload("awslogs_python_text.json")).encode())
    with pytest.raises(DecodeError, match="not valid gzip"):
        decode_awslogs(as_awslogs(compressed[: len(compressed) // 2]))


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [
        (10**17, "out of range"),
        (2**63, "out of range"),
        (2**64 + 1, "out of range"),
        (-1, "out of range"),
        (-(2**63), "out of range"),
        (253_402_300_800_000, "out of range"),  # 10000-01-01: no four-digit year
        (1e17, "not an integer"),
        (1795756166123.5, "not an integer"),
        ("1795756166123", "not an integer"),
        (True, "not an integer"),
        (None, "not an integer"),
    ],
)
def test_impossible_event_times_refuse_the_payload_naming_the_event(timestamp: object, reason: str) -> None:
    # Given a real payload whose second event carries a time CloudWatch can't have written
    payload = load_payload("awslogs_python_text.json")
    payload["logEvents"][1]["timestamp"] = timestamp
    bad_id = payload["logEvents"][1]["id"]
    # When it is decoded, Then a DecodeError says which event and why (no bare ValueError/OverflowError)
    with pytest.raises(DecodeError, match=reason) as caught:
        batch_from_json(json.dumps(payload).encode())
    assert bad_id in str(caught.value)


@pytest.mark.parametrize("timestamp", [0, 1795756166123, 253_402_300_799_999])
def test_event_times_from_1970_to_year_9999_are_accepted(timestamp: int) -> None:
    payload = load_payload("awslogs_python_text.json")
    payload["logEvents"][0]["timestamp"] = timestamp
    batch = batch_from_json(json.dumps(payload).encode())
    assert batch is not None and batch.timestamps[0] == timestamp
