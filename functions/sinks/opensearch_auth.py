"""An OpenSearch client for one endpoint and one way of signing in. Built once (cold start / CLI run).

- `none`: no credentials (the local node; or user:password in the URL).
- `sigv4-es` / `sigv4-aoss`: requests signed with AWS Signature V4 for Amazon OpenSearch Service
  (service `es`) or OpenSearch Serverless (service `aoss`), with the function's role credentials,
  refreshed as they rotate. Serverless: use a *search* collection — time-series collections refuse
  the custom `_id` that makes redelivery idempotent — and it has no ISM (use its lifecycle policies).
- `basic-secret`: HTTP basic auth from a Secrets Manager secret `{"username": ..., "password": ...}`
  (a domain with fine-grained access control and an internal user).
TLS certificates are verified unless `verify_certs=False` is asked for explicitly.
The client never retries on its own: the sink does, with backoff, within the Lambda's deadline.
Its per-request warnings (a traceback for every refused connection) are turned down to errors: the
sink reports failures once, as metrics and `failed/` records.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3
from opensearchpy import OpenSearch, Urllib3AWSV4SignerAuth

SIGV4_SERVICES = {"sigv4-es": "es", "sigv4-aoss": "aoss"}


class AuthError(ValueError):
    pass


def basic_auth_from_secret(secret_arn: str, session: boto3.Session) -> tuple[str, str]:
    value = session.client("secretsmanager").get_secret_value(SecretId=secret_arn)
    try:
        secret = json.loads(value["SecretString"])
        return str(secret["username"]), str(secret["password"])
    except (KeyError, TypeError, ValueError) as error:
        raise AuthError(f"secret {secret_arn} is not JSON with a username and a password") from error


def http_auth(auth: str, region: str | None, secret_arn: str | None, session: boto3.Session) -> Any:
    """What opensearch-py takes as `http_auth` for an auth mode (None for `none`)."""
    if auth == "none":
        return None
    if auth in SIGV4_SERVICES:
        credentials = session.get_credentials()
        if credentials is None:
            raise AuthError(f"{auth}: no AWS credentials found")
        return Urllib3AWSV4SignerAuth(credentials, region or session.region_name, SIGV4_SERVICES[auth])
    if auth == "basic-secret":
        if not secret_arn:
            raise AuthError("basic-secret needs a Secrets Manager secret ARN")
        return basic_auth_from_secret(secret_arn, session)
    raise AuthError(f"unknown OpenSearch auth mode {auth!r}")


def build_client(
    url: str,
    auth: str = "none",
    *,
    region: str | None = None,
    secret_arn: str | None = None,
    verify_certs: bool = True,
    timeout_s: float = 30.0,
    session: boto3.Session | None = None,
) -> OpenSearch:
    logging.getLogger("opensearch").setLevel(logging.ERROR)
    return OpenSearch(
        hosts=[url],
        http_auth=http_auth(auth, region, secret_arn, session or boto3.Session()),
        use_ssl=url.lower().startswith("https://"),
        verify_certs=verify_certs,
        ssl_show_warn=verify_certs,
        timeout=timeout_s,
        max_retries=0,
        retry_on_timeout=False,
    )
