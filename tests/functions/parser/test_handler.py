"""The parser Lambda end to end against moto S3: direct and Kinesis triggers, failures, redelivery."""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from functions.parser import handler, kinesis_handler, wiring
from functions.parser.decode import DecodeError
from functions.parser.ingest import Ingestor
from functions.parser.settings import Settings, SettingsError
from functions.sinks.s3_parquet import S3Store
from tests.aws_fakes import PARSER_BUCKET as BUCKET
from tests.support import ALL_LAMBDA_PAYLOADS, FakeContext, awslogs_event, encode_payload, kinesis_event, load_payload


@pytest.fixture
def s3(parser_lake_bucket: Any) -> Any:
    return parser_lake_bucket


def lake_keys(s3: Any, prefix: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def lake_rows(s3: Any) -> pa.Table:
    keys = lake_keys(s3, "lake/events/")
    tables = [pq.read_table(io.BytesIO(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())) for key in keys]
    return pa.concat_tables(tables, promote_options="default") if tables else pa.table({})  # sparse objects


def test_direct_invocation_writes_every_event_and_emits_metrics(s3: Any, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a subscription delivery
    payload = load_payload("awslogs_python_text.json")
    # When the Lambda handler runs (settings come from the environment at cold start)
    response = handler.lambda_handler(awslogs_event(payload), FakeContext())
    # Then every event is one row in the lake and the response says so
    rows = lake_rows(s3)
    assert response == {"events": 13, "rows": 13}
    assert sorted(rows["event_id"].to_pylist()) == sorted(e["id"] for e in payload["logEvents"])
    assert all(
        o["Key"].startswith("lake/events/dt=2026-11-27/hour=05/") for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    )
    # And EMF metrics were printed for CloudWatch
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (emf,) = lines
    emitted = {m["Name"] for m in emf["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    # exactly the declared metrics, with the run's figures
    assert emitted == set(wiring.METRICS)
    assert (emf["EventsIn"], emf["RowsWritten"], emf["FailedRecords"]) == ([13.0], [13.0], [0.0])


def test_redelivery_leaves_the_lake_unchanged(s3: Any) -> None:
    event = awslogs_event(load_payload("awslogs_json_format.json"))
    handler.lambda_handler(event, FakeContext())
    first = s3.list_objects_v2(Bucket=BUCKET)["KeyCount"]
    handler.lambda_handler(event, FakeContext())
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == first
    assert lake_rows(s3).num_rows == 7


def test_control_message_writes_nothing(s3: Any) -> None:
    handler.lambda_handler(awslogs_event(load_payload("awslogs_control_message.json")), FakeContext())
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_undecodable_payload_fails_the_invocation_for_retry_and_dlq(s3: Any) -> None:
    with pytest.raises(DecodeError, match="not valid gzip"):
        handler.lambda_handler({"awslogs": {"data": "aGVsbG8="}}, FakeContext())


def test_storage_failure_fails_the_invocation(s3: Any) -> None:
    s3.delete_bucket(Bucket=BUCKET)
    with pytest.raises(s3.exceptions.NoSuchBucket):
        handler.lambda_handler(awslogs_event(load_payload("awslogs_python_text.json")), FakeContext())


def test_kinesis_batch_parks_the_undecodable_record_and_stores_the_rest(s3: Any) -> None:
    # Given a Kinesis batch whose second record is not a CloudWatch Logs payload
    datas = [encode_payload(load_payload(name)) for name in ALL_LAMBDA_PAYLOADS]
    datas.insert(1, "bm90IGd6aXA=")
    event = kinesis_event(datas)
    # When the Kinesis entry point runs
    response = kinesis_handler.lambda_handler(event, FakeContext())
    # Then the batch succeeds whole: the others are in the lake, one object per event hour
    assert response == {"batchItemFailures": []}
    expected = sum(len(load_payload(name)["logEvents"]) for name in ALL_LAMBDA_PAYLOADS)
    assert lake_rows(s3).num_rows == expected
    hours = {key.rsplit("/", 1)[0] for key in lake_keys(s3, "lake/events/")}
    assert len(lake_keys(s3, "lake/events/")) == len(hours)
    # And the bad record is kept raw, as Lambda delivered it, with the reason
    (parked,) = lake_keys(s3, "lake/failed/kinesis/")
    body = json.loads(s3.get_object(Bucket=BUCKET, Key=parked)["Body"].read())
    assert body["record"] == event["Records"][1] and "gzip" in body["error"]


def test_kinesis_batch_where_every_record_is_undecodable_parks_them_all(s3: Any) -> None:
    response = kinesis_handler.lambda_handler(kinesis_event(["bm90IGd6aXA=", "!!"]), FakeContext())
    assert response == {"batchItemFailures": []}
    assert len(lake_keys(s3, "lake/failed/kinesis/")) == 2
    assert lake_keys(s3, "lake/events/") == []


def test_each_entry_point_takes_only_its_own_trigger(s3: Any) -> None:
    # Given a Kinesis event at the direct entry point, and a direct payload at the Kinesis one
    direct = awslogs_event(load_payload("awslogs_python_text.json"))
    # Then each refuses it clearly, and nothing is written
    with pytest.raises(DecodeError):
        handler.lambda_handler(kinesis_event([encode_payload(load_payload("awslogs_python_text.json"))]), FakeContext())
    with pytest.raises(DecodeError, match="not a Kinesis event"):
        kinesis_handler.lambda_handler(direct, FakeContext())
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_handle_is_reusable_with_any_store(s3: Any) -> None:
    ingestor = Ingestor(store=S3Store(s3, BUCKET), prefix="custom/", region="eu-west-1", clock=lambda: 0)
    summary, _ = wiring.handle(awslogs_event(load_payload("awslogs_java_snapstart.json")), ingestor)
    assert (summary.events_in, summary.rows_written, summary.objects_written) == (8, 8, 1)
    assert summary.format_counts["lambda_report"] == 1
    assert s3.list_objects_v2(Bucket=BUCKET)["Contents"][0]["Key"].startswith("custom/events/")


def test_settings_require_a_bucket_and_a_safe_prefix() -> None:
    with pytest.raises(SettingsError, match="LOGLAKE_BUCKET"):
        Settings.from_env({})
    with pytest.raises(SettingsError, match="unsafe"):
        Settings.from_env({"LOGLAKE_BUCKET": "b", "LOGLAKE_PREFIX": "../x"})
    assert Settings.from_env({"LOGLAKE_BUCKET": "b", "AWS_REGION": "ap-northeast-1"}) == Settings(
        "b", "lake/", "ap-northeast-1"
    )
