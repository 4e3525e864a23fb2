"""How the client signs in: SigV4 for `es` / `aoss`, basic auth from Secrets Manager, TLS verified by default.

Requests go to a small recording server on 127.0.0.1, so the test sees the exact headers sent.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

from functions.sinks.opensearch_auth import AuthError, build_client


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            seen.append({k.lower(): v for k, v in self.headers.items()})
            body = json.dumps({"version": {"number": "2.19.6"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1")


@pytest.mark.parametrize(("auth", "service"), [("sigv4-es", "es"), ("sigv4-aoss", "aoss")])
def test_sigv4_signs_every_request_for_the_right_service(
    recorder: tuple[str, list[dict[str, str]]], auth: str, service: str
) -> None:
    url, seen = recorder
    # Given a client for Amazon OpenSearch Service or Serverless
    client = build_client(url, auth, region="eu-west-1", session=session())
    # When it makes a request
    client.info()
    # Then the request carries a SigV4 signature scoped to that service and region
    (headers,) = seen
    scope = re.search(r"Credential=AKIDEXAMPLE/\d{8}/([^/]+)/([^/]+)/aws4_request", headers["authorization"])
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256 ")
    assert scope is not None and scope.groups() == ("eu-west-1", service)
    assert "x-amz-date" in headers


def test_basic_auth_comes_from_a_secrets_manager_secret(recorder: tuple[str, list[dict[str, str]]], aws: None) -> None:
    url, seen = recorder
    secrets = boto3.client("secretsmanager", region_name="eu-west-1")
    arn = secrets.create_secret(
        Name="loglake/os", SecretString=json.dumps({"username": "ingest", "password": "s3cr3t"})
    )["ARN"]
    client = build_client(url, "basic-secret", secret_arn=arn)
    client.info()
    assert seen[0]["authorization"] == "Basic " + base64.b64encode(b"ingest:s3cr3t").decode()
    bad = secrets.create_secret(Name="loglake/bad", SecretString="not json")["ARN"]
    with pytest.raises(AuthError, match="username and a password"):
        build_client(url, "basic-secret", secret_arn=bad)


def test_tls_certificates_are_verified_unless_explicitly_turned_off() -> None:
    verified = build_client("https://search.example.internal:443").transport.get_connection()
    unverified = build_client("https://search.example.internal:443", verify_certs=False).transport.get_connection()
    assert verified.pool.cert_reqs == "CERT_REQUIRED"
    assert unverified.pool.cert_reqs == "CERT_NONE"


def test_an_unknown_auth_mode_is_refused() -> None:
    with pytest.raises(AuthError, match="unknown"):
        build_client("http://127.0.0.1:9200", "kerberos")
