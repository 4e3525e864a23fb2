"""moto-backed AWS for tests: a parser Lambda to subscribe to, and a logs client (registered in tests/conftest.py)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

REGION = "eu-west-1"


def create_function(name: str) -> str:
    """A moto Lambda (created, never invoked: no Docker needed); moto's PutSubscriptionFilter needs one."""
    iam = boto3.client("iam", region_name=REGION)
    try:
        role = iam.get_role(RoleName="loglake-test")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="loglake-test", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    created = boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
    )
    arn: str = created["FunctionArn"]
    return arn


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def parser_arn(aws: None) -> str:
    return create_function("loglake-prod-parser")


@pytest.fixture
def other_destination(aws: None) -> str:
    """Someone else's forwarder: the destination of filters that are not ours."""
    return create_function("team-forwarder")


@pytest.fixture
def logs(aws: None) -> CloudWatchLogsClient:
    return boto3.client("logs", region_name=REGION)


PARSER_BUCKET = "loglake-test-lake"


@pytest.fixture
def parser_lake_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A moto S3 lake bucket and the environment the parser handler reads at cold start (reset per test)."""
    from functions.parser import wiring

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("LOGLAKE_BUCKET", PARSER_BUCKET)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "loglake")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setattr(wiring, "_ingestor", None)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=PARSER_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield client
