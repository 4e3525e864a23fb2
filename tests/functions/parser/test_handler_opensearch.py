"""The parser Lambda with OpenSearch on: Parquet first, then the index; an outage costs no data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from opensearchpy import OpenSearch

from functions.parser import handler
from functions.parser.settings import OpenSearchSettings, Settings, SettingsError
from tests.aws_fakes import PARSER_BUCKET as BUCKET
from tests.opensearch_support import count
from tests.support import FakeContext, awslogs_event, load_payload


@pytest.fixture
def s3(parser_lake_bucket: Any) -> Any:
    return parser_lake_bucket


def keys(s3: Any, prefix: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def emitted_metrics(out: str) -> dict[str, float]:
    values: dict[str, float] = {}
    for line in out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            record = json.loads(line)
            for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = record[metric["Name"]]
                values[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return values


def test_the_lambda_writes_parquet_then_indexes_every_event(
    *,
    s3: Any,
    monkeypatch: pytest.MonkeyPatch,
    os_client: OpenSearch,
    index_prefix: str,
    opensearch_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a parser configured with an OpenSearch endpoint
    monkeypatch.setenv("LOGLAKE_OPENSEARCH_URL", opensearch_url)
    monkeypatch.setenv("LOGLAKE_OPENSEARCH_INDEX_PREFIX", index_prefix)
    payload = load_payload("awslogs_python_text.json")
    # When a subscription delivery arrives
    response = handler.lambda_handler(awslogs_event(payload), FakeContext())
    # Then the batch is in the lake and in the index, and the metrics say so
    assert response == {"events": 13, "rows": 13}
    assert keys(s3, "lake/events/") and not keys(s3, "lake/failed/")
    assert count(os_client, index_prefix) == 13
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics["OpenSearchIndexed"] == 13 and metrics["OpenSearchFailedDocs"] == 0


def test_an_opensearch_outage_keeps_the_documents_in_failed_and_the_invocation_succeeds(
    s3: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an endpoint that refuses connections, and a 1 s retry window (30 s left - 29 s margin)
    monkeypatch.setenv("LOGLAKE_OPENSEARCH_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LOGLAKE_OPENSEARCH_MARGIN_SECONDS", "29")
    payload = load_payload("awslogs_json_format.json")
    # When a delivery arrives
    response = handler.lambda_handler(awslogs_event(payload), FakeContext())
    # Then the invocation succeeds, the lake has the batch, and failed/ has every document
    assert response == {"events": 7, "rows": 7}
    assert keys(s3, "lake/events/")
    (failed,) = keys(s3, "lake/failed/opensearch/")
    body = s3.get_object(Bucket=BUCKET, Key=failed)["Body"].read().decode()
    assert sorted(json.loads(line)["id"] for line in body.splitlines()) == sorted(e["id"] for e in payload["logEvents"])
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics["OpenSearchFailedDocs"] == 7 and metrics["OpenSearchIndexed"] == 0


def test_opensearch_settings_come_from_the_environment() -> None:
    env = {
        "LOGLAKE_BUCKET": "b",
        "LOGLAKE_OPENSEARCH_URL": "https://search.example.internal",
        "LOGLAKE_OPENSEARCH_AUTH": "sigv4-aoss",
        "LOGLAKE_OPENSEARCH_MIN_LEVEL": "warn",
        "LOGLAKE_OPENSEARCH_SOURCES": "lambda, apigateway",
    }
    settings = Settings.from_env(env).opensearch
    assert settings == OpenSearchSettings(
        url="https://search.example.internal",
        auth="sigv4-aoss",
        min_level="WARN",
        sources=frozenset({"lambda", "apigateway"}),
    )
    assert settings.verify_certs and settings.index_prefix == "loglake-events"
    assert Settings.from_env({"LOGLAKE_BUCKET": "b"}).opensearch is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LOGLAKE_OPENSEARCH_AUTH", "kerberos", "LOGLAKE_OPENSEARCH_AUTH"),
        ("LOGLAKE_OPENSEARCH_AUTH", "basic-secret", "LOGLAKE_OPENSEARCH_SECRET_ARN"),
        ("LOGLAKE_OPENSEARCH_MIN_LEVEL", "LOUD", "MIN_LEVEL"),
        ("LOGLAKE_OPENSEARCH_SOURCES", "lambda,ec2", "ec2"),
        ("LOGLAKE_OPENSEARCH_BULK_BYTES", "-5", "positive"),
    ],
)
def test_bad_opensearch_settings_fail_the_cold_start_clearly(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"LOGLAKE_BUCKET": "b", "LOGLAKE_OPENSEARCH_URL": "http://x:9200", name: value})
