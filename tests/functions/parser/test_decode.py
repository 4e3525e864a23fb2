"""Decoding: awslogs and Kinesis payloads in, typed batches out, clear errors for bad payloads."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json

import pytest
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.parser.decode import (
    DecodeError,
    LogBatch,
    batch_from_json,
    decode_awslogs,
    decode_kinesis_record,
    is_kinesis_event,
)
from tests.support import EVENTS, awslogs_event, encode_payload, kinesis_event, load_payload


def test_direct_subscription_event_becomes_a_typed_batch() -> None:
    # Given a real-shaped subscription payload
    payload = load_payload("awslogs_python_text.json")
    # When it is decoded from the awslogs envelope
    batch = decode_awslogs(awslogs_event(payload))
    # Then the batch carries the envelope fields and the events as columns, in order
    assert batch is not None
    assert batch.owner == "123456789012"
    assert batch.log_group == "/aws/lambda/orders-api"
    assert batch.log_stream == payload["logStream"]
    assert batch.event_ids == [e["id"] for e in payload["logEvents"]]
    assert batch.timestamps == [e["timestamp"] for e in payload["logEvents"]]
    assert batch.messages == [e["message"] for e in payload["logEvents"]]


def test_account_level_policy_deliveries_are_accepted() -> None:
    # Given a delivery of an account-level subscription policy
    payload = load_payload("awslogs_node_text_mid_invocation.json")
    assert payload["policyLevel"] == "ACCOUNT_LEVEL_POLICY"
    # When it is decoded, Then its events are read like any other delivery's
    batch = decode_awslogs(awslogs_event(payload))
    assert batch is not None and batch.messages == [e["message"] for e in payload["logEvents"]]


def test_control_messages_are_skipped() -> None:
    assert decode_awslogs(awslogs_event(load_payload("awslogs_control_message.json"))) is None


def test_kinesis_records_carry_the_same_payload() -> None:
    # Given a Kinesis event with two CloudWatch Logs payloads
    payloads = [load_payload("awslogs_python_text.json"), load_payload("awslogs_json_format.json")]
    event = kinesis_event([encode_payload(p) for p in payloads])
    # When each record is decoded
    assert is_kinesis_event(event)
    assert not is_kinesis_event(awslogs_event(payloads[0]))
    batches = [decode_kinesis_record(r) for r in KinesisStreamEvent(event).records]
    # Then each gives its own batch
    assert [b.log_group for b in batches if b] == [p["logGroup"] for p in payloads]


def test_identity_is_stable_for_the_same_payload_and_differs_between_payloads() -> None:
    payload = load_payload("awslogs_python_text.json")
    first = decode_awslogs(awslogs_event(payload))
    again = decode_awslogs(awslogs_event(payload))
    other = decode_awslogs(awslogs_event(load_payload("awslogs_java_snapstart.json")))
    assert first is not None and again is not None and other is not None
    assert first.identity == again.identity
    assert first.identity != other.identity


def framed_digest(fields: list[str]) -> str:
    """The documented framing, fed field by field: 8-byte big-endian length, then the UTF-8 bytes."""
    digest = hashlib.sha256()
    for text in fields:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@settings(max_examples=200, deadline=None)
@given(
    head=st.lists(st.text(), min_size=3, max_size=3),
    events=st.lists(st.tuples(st.text(), st.integers(0, 2**53), st.text()), max_size=8),
)
def test_identity_is_the_documented_framing_of_the_stream_and_every_event(
    head: list[str], events: list[tuple[str, int, str]]
) -> None:
    """Object keys stay what earlier versions wrote (a redelivery must find its own key back)."""
    batch = LogBatch(*head, [e[0] for e in events], [e[1] for e in events], [e[2] for e in events])
    fields = head + [field for event_id, ts, message in events for field in (event_id, str(ts), message)]
    assert batch.identity == framed_digest(fields)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({}, "neither awslogs.data nor Kinesis records"),
        ({"awslogs": {"data": "!!!not base64!!!"}}, "not valid base64"),
        ({"awslogs": {"data": base64.b64encode(b"plain text").decode()}}, "not valid gzip"),
        ({"awslogs": {"data": base64.b64encode(gzip.compress(b"{not json")).decode()}}, "not valid JSON"),
        ({"awslogs": {"data": base64.b64encode(gzip.compress(b"[1, 2]")).decode()}}, "not a JSON object"),
        ({"awslogs": {"data": base64.b64encode(gzip.compress(b"\xff\xfe{")).decode()}}, "not valid JSON"),
    ],
)
def test_undecodable_payloads_raise_a_clear_error(event: dict[str, object], reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_awslogs(event)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda p: p.update(messageType="SOMETHING_ELSE"), "unexpected messageType"),
        (lambda p: p.pop("logGroup"), "'logGroup' is missing"),
        (lambda p: p.update(logEvents="nope"), "'logEvents' is missing or not a list"),
        (lambda p: p["logEvents"][0].pop("message"), "lacks id, timestamp or message"),
        (lambda p: p["logEvents"][0].update(timestamp="yesterday"), "timestamp is not an integer"),
        (lambda p: p["logEvents"][0].update(message=42), "not a string"),
    ],
)
def test_wrong_payload_shapes_raise_a_clear_error(mutate: object, reason: str) -> None:
    payload = load_payload("awslogs_python_text.json")
    mutate(payload)  # type: ignore[operator]
    with pytest.raises(DecodeError, match=reason):
        batch_from_json(json.dumps(payload).encode())


def test_zlib_compressed_data_is_accepted_like_gzip() -> None:
    # Given Powertools' own sample subscription event with policyLevel, whose data is zlib, not gzip
    # (tests/events/real/payloads/ keeps it as published in aws-powertools/powertools-lambda-python,
    # tests/events/cloudWatchLogEventWithPolicyLevel.json)
    event = json.loads((EVENTS / "real" / "payloads" / "cloudWatchLogEventWithPolicyLevel.json").read_text())
    assert base64.b64decode(event["awslogs"]["data"])[:1] == b"\x78"  # a zlib header
    # When it is decoded
    batch = decode_awslogs(event)
    # Then its events are read
    assert batch is not None
    assert batch.messages == ["[ERROR] First test message", "[ERROR] Second test message"]
    assert (batch.log_group, batch.log_stream) == ("testLogGroup", "testLogStream")
