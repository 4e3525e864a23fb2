"""Fuzzing the decoding boundary (hypothesis, fixed budget, derandomized): whatever arrives, the batch
ends in a clear `DecodeError` or in exactly one row per event — never another exception, never a drop."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.parser.decode import DecodeError, LogBatch, decode_awslogs
from functions.parser.ingest import Ingestor
from functions.parser.wiring import handle
from functions.sinks.s3_parquet import LocalStore

FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow], database=None
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def payload(messages: list[str], **overrides: Any) -> dict[str, Any]:
    events = [
        {"id": f"{36 * 10**54 + i}", "timestamp": 1795737600000 + i, "message": m} for i, m in enumerate(messages)
    ]
    base = {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/lambda/fuzz",
        "logStream": "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
        "subscriptionFilters": ["loglake"],
        "logEvents": events,
    }
    return {**base, **overrides}


def wrap(raw: bytes) -> dict[str, Any]:
    return {"awslogs": {"data": base64.b64encode(raw).decode()}}


def decoded_or_error(event: dict[str, Any]) -> LogBatch | DecodeError | None:
    try:
        return decode_awslogs(event)
    except DecodeError as error:
        assert str(error)  # the error says what was wrong
        return error


@FUZZ
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode() + "!")))
def test_random_text_and_bad_base64_is_a_decode_error(data: str) -> None:
    assert isinstance(decoded_or_error({"awslogs": {"data": data}}), DecodeError | LogBatch | None)


@FUZZ
@given(st.binary(max_size=500))
def test_random_bytes_are_a_decode_error(raw: bytes) -> None:
    assert isinstance(decoded_or_error(wrap(raw)), DecodeError)


@FUZZ
@given(st.lists(st.text(max_size=80), min_size=1, max_size=20), st.data())
def test_truncated_gzip_is_a_decode_error_and_whole_gzip_keeps_every_event(messages: list[str], data: Any) -> None:
    whole = gzip.compress(json.dumps(payload(messages)).encode())
    cut = data.draw(st.integers(0, len(whole) - 1))
    assert isinstance(decoded_or_error(wrap(whole[:cut])), DecodeError)
    batch = decoded_or_error(wrap(whole))
    assert isinstance(batch, LogBatch) and batch.messages == messages


@FUZZ
@given(JSON_VALUES)
def test_any_json_document_is_a_decode_error_or_a_batch(document: Any) -> None:
    result = decoded_or_error(wrap(gzip.compress(json.dumps(document).encode())))
    assert isinstance(result, DecodeError) or result is None


@FUZZ
@given(
    st.sampled_from(["owner", "logGroup", "logStream", "logEvents", "messageType", "subscriptionFilters"]), JSON_VALUES
)
def test_a_field_of_the_wrong_shape_is_a_decode_error_or_harmless(field: str, value: Any) -> None:
    result = decoded_or_error(wrap(gzip.compress(json.dumps(payload(["x", "y"], **{field: value})).encode())))
    assert isinstance(result, DecodeError | LogBatch)
    if isinstance(result, LogBatch):
        assert len(result) == len(result.messages) == len(result.timestamps) == len(result.event_ids)


@FUZZ
@given(st.binary(min_size=1, max_size=200))
def test_invalid_utf8_inside_the_gzip_is_a_decode_error(junk: bytes) -> None:
    body = json.dumps(payload(["ok"])).encode().replace(b'"ok"', b'"' + junk.replace(b'"', b"'") + b'\xff"')
    assert isinstance(decoded_or_error(wrap(gzip.compress(body))), DecodeError)


@pytest.mark.parametrize("depth", [50, 5_000, 100_000])
def test_a_deeply_nested_payload_is_a_decode_error(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    assert isinstance(decoded_or_error(wrap(gzip.compress(nested.encode()))), DecodeError)


@FUZZ
@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8), st.data())
def test_lone_surrogates_from_json_escapes_are_kept_as_text(messages: list[str], data: Any) -> None:
    # Given messages with lone surrogate escapes (valid JSON, no UTF-8 form) in text and in JSON lines
    lone = data.draw(st.sampled_from(["\\udc80", "\\ud800", "\\udfff"]))
    text = json.dumps(payload(messages)).replace('"message": "', '"message": "' + lone, 1)
    text = text.replace('"logGroup": "/aws/lambda/fuzz', '"logGroup": "/aws/lambda/fuzz' + lone)
    batch = decode_awslogs(wrap(gzip.compress(text.encode())))
    # Then the batch decodes, every event is kept, and the lone surrogate is there as its escape text
    assert batch is not None and len(batch) == len(messages)
    assert batch.messages[0].startswith(lone) and batch.log_group.endswith(lone)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.binary(max_size=80), st.just(b"")), min_size=1, max_size=6), st.data())
def test_kinesis_records_of_garbage_fail_alone_and_good_ones_are_all_stored(
    tmp_path_factory: pytest.TempPathFactory, junk: list[bytes], data: Any
) -> None:
    # Given a Kinesis batch mixing garbage records with good payloads
    good = [gzip.compress(json.dumps(_distinct_ids(payload([f"line {i}", "x" * i]), i)).encode()) for i in range(3)]
    records = [*((b, True) for b in good), *((j, False) for j in junk)]
    order = data.draw(st.permutations(range(len(records))))
    event = {"Records": [_kinesis(i, *records[n]) for i, n in enumerate(order)]}
    lake = tmp_path_factory.mktemp("lake")
    # When the handler runs
    summary, response = handle(event, Ingestor(store=LocalStore(Path(lake)), prefix="", region="r"))
    # Then each garbage record is parked raw (none blocks the batch), and every event of the good ones is in the lake
    assert response == {"batchItemFailures": []}
    assert summary.parked_records == len(list((lake / "failed" / "kinesis").rglob("*.json"))) == len(junk)
    assert summary.rows_written == summary.events_in == 6


def _distinct_ids(body: dict[str, Any], n: int) -> dict[str, Any]:
    """Payload `n`'s own event ids (one invocation keeps one row per id, as CloudWatch ids are unique)."""
    for event in body["logEvents"]:
        event["id"] = f"{n}{event['id']}"
    return body


def _kinesis(i: int, data: bytes, good: bool) -> dict[str, Any]:
    return {
        "eventSource": "aws:kinesis",
        "eventID": f"shardId-000000000000:{i:056d}",
        "eventSourceARN": "arn:aws:kinesis:eu-west-1:123456789012:stream/fuzz",
        "kinesis": {
            "data": base64.b64encode(data).decode(),
            "sequenceNumber": f"{i:056d}",
            "partitionKey": "k",
            "approximateArrivalTimestamp": 1795756166.5,
        },
    }
