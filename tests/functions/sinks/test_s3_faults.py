"""S3 writes under injected faults (moto behind the parser's real boto3 client): a failure that passes is
retried, one that doesn't fails the invocation for AWS to retry, and no retry ever duplicates a row."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pyarrow.parquet as pq
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

from functions.parser.settings import Settings
from functions.parser.wiring import build_ingestor, handle
from tests.support import ALL_LAMBDA_PAYLOADS, awslogs_event, load_payload

BUCKET = "lake"


class Faults:
    """Fails the next `remaining` PutObject attempts: "timeout" raises before the request reaches S3;
    "500" answers 500 InternalError after moto has stored the object (a write whose answer was lost)."""

    def __init__(self) -> None:
        self.remaining = 0
        self.kind = "500"
        self.attempts = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.attempts += 1
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        if self.kind == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        body = b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"
        return AWSResponse(request.url, 500, {}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@pytest.fixture
def lake(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Faults]]:
    monkeypatch.setattr("time.sleep", lambda _s: None)  # botocore's backoff, not the test's time
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    faults = Faults()
    real_client = boto3.client

    def client_with_faults(*args: Any, **kwargs: Any) -> Any:  # the S3 client the wiring builds, with the faults
        built = real_client(*args, **kwargs)
        built.meta.events.register_first("before-send.s3.PutObject", faults)
        return built

    with monkeypatch.context() as patched:
        patched.setattr(boto3, "client", client_with_faults)
        ingestor = build_ingestor(Settings(bucket=BUCKET, prefix="lake/", region="eu-west-1"))
    yield ingestor, faults


def stored_ids(client: Any) -> Counter[str]:
    ids: Counter[str] = Counter()
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        body = client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        ids.update(pq.read_table(io.BytesIO(body))["event_id"].to_pylist())
    return ids


EXPECTED = Counter(e["id"] for name in ALL_LAMBDA_PAYLOADS for e in load_payload(name)["logEvents"])


@pytest.mark.parametrize("kind", ["500", "timeout"])
def test_a_first_attempt_that_fails_is_retried_and_written_once(lake: tuple[Any, Faults], kind: str) -> None:
    ingestor, faults = lake
    # Given S3 failing the first attempt of every write
    for name in ALL_LAMBDA_PAYLOADS:
        faults.remaining, faults.kind = 1, kind
        # When a payload is ingested
        summary, _ = handle(awslogs_event(load_payload(name)), ingestor)
        assert summary.rows_written == summary.events_in
    # Then every event is in the lake exactly once, after two attempts per object
    assert stored_ids(boto3.client("s3")) == EXPECTED
    assert faults.attempts == 2 * len(boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"])


def test_a_write_that_always_fails_fails_the_invocation_and_the_redelivery_stores_it_once(
    lake: tuple[Any, Faults],
) -> None:
    ingestor, faults = lake
    event = awslogs_event(load_payload(ALL_LAMBDA_PAYLOADS[0]))
    # Given S3 timing out on every attempt
    faults.remaining, faults.kind = 10**6, "timeout"
    # When the payload is ingested, the invocation fails (AWS retries it, then dead-letters it)
    with pytest.raises(ReadTimeoutError):
        handle(event, ingestor)
    assert faults.attempts == 6  # 1 + 5 retries: botocore's standard mode, as the parser configures it
    assert stored_ids(boto3.client("s3")) == Counter()
    # When S3 recovers and the same payload is delivered twice more
    faults.remaining = 0
    handle(event, ingestor)
    handle(event, ingestor)
    # Then each event is stored exactly once
    assert stored_ids(boto3.client("s3")) == Counter(e["id"] for e in load_payload(ALL_LAMBDA_PAYLOADS[0])["logEvents"])


def test_a_kinesis_batch_whose_write_fails_fails_whole_and_its_retry_duplicates_nothing(
    lake: tuple[Any, Faults],
) -> None:
    ingestor, faults = lake
    from tests.support import encode_payload, kinesis_event

    event = kinesis_event([encode_payload(load_payload(n)) for n in ALL_LAMBDA_PAYLOADS])
    # Given S3 timing out on all 6 attempts (1 + 5 retries) of the batch's object
    faults.remaining, faults.kind = 6, "timeout"
    # Then the invocation fails whole (Lambda retries the batch) and nothing is stored
    with pytest.raises(ReadTimeoutError):
        handle(event, ingestor)
    assert stored_ids(boto3.client("s3")) == Counter()
    # When the batch is retried twice (S3 has recovered), every event is stored once, in one object
    handle(event, ingestor)
    _, response = handle(event, ingestor)
    assert response == {"batchItemFailures": []}
    assert stored_ids(boto3.client("s3")) == EXPECTED
    assert boto3.client("s3").list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1
