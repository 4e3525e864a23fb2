"""Redaction keeps JSON valid: values are replaced inside parsed JSON (`attributes`, JSON lines in `raw`),
and text-level replacements in other text never cut an escape in half."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.parser.ingest import Ingestor
from functions.parser.redact import REDACTED, Redactor
from functions.parser.redact_text import SECRETS, key_kind, trigger
from functions.parser.wiring import handle
from functions.sinks.s3_parquet import LocalStore
from tests.support import awslogs_event

RID = "5b7e1c2d-3e4f-4a5b-8c9d-0e1f2a3b4c5d"
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow], database=None
)


def payload(messages: list[str]) -> dict[str, Any]:
    return {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/lambda/report-builder",
        "logStream": "2026/11/27/[3]00112233445566778899aabbccddeeff",
        "subscriptionFilters": ["loglake"],
        "logEvents": [
            {"id": str(36 * 10**54 + i), "timestamp": 1795737600000 + i, "message": m} for i, m in enumerate(messages)
        ],
    }


def stored(tmp_path: Path, messages: list[str], redactor: Redactor) -> list[dict[str, Any]]:
    ingestor = Ingestor(store=LocalStore(tmp_path), prefix="", region="eu-west-1", redactor=redactor)
    handle(awslogs_event(payload(messages)), ingestor)
    rows = ds.dataset(tmp_path / "events", format="parquet", partitioning="hive").to_table().to_pylist()
    return sorted(rows, key=lambda row: row["event_id"])


@pytest.mark.parametrize("rules", [["secrets"], None], ids=["secrets-rule", "default"])
def test_a_password_with_an_escaped_quote_leaves_raw_and_attributes_valid_json(
    tmp_path: Path, rules: list[str] | None
) -> None:
    # Given a Lambda JSON-format line whose password holds a quote, a backslash and spaces
    extra = {"user": "ann", "password": 'pa"ss \\ w0rd', "cart": {"items": 3, "note": 'say "hi"'}}
    line = json.dumps(
        {"timestamp": "2026-11-27T05:09:26.210Z", "level": "INFO", "message": "login", "requestId": RID, **extra}
    )
    redactor = Redactor() if rules is None else Redactor.build(rules)
    # When it is ingested with the `secrets` rule (or the default rules)
    (row,) = stored(tmp_path, [line], redactor)
    # Then raw and attributes are JSON, the password alone is replaced, everything else is as it was
    assert json.loads(row["raw"]) == {**json.loads(line), "password": REDACTED}
    assert json.loads(row["attributes"]) == {**extra, "password": REDACTED}
    assert "w0rd" not in row["raw"] + row["attributes"]


def test_json_embedded_in_a_text_line_stays_valid_after_redaction(tmp_path: Path) -> None:
    # Given a Node.js line whose tail is an error object as JSON, with a password holding escaped quotes
    error = {"errorType": "AuthError", "errorMessage": 'bad password="x\\"y" for bob', "password": 'a\\"b c'}
    line = f"2026-11-27T05:09:25.940Z\t{RID}\tERROR\tInvoke Error \t{json.dumps(error)}\n"
    # When it is ingested with the default rules
    (row,) = stored(tmp_path, [line], Redactor())
    # Then the JSON tail of raw still parses, without the secrets, and the other keys are unchanged
    tail = json.loads(row["raw"].split("\t")[-1])
    assert tail == {**error, "errorMessage": f'bad password="{REDACTED}" for bob', "password": REDACTED}
    assert row["error_message"] == f'bad password="{REDACTED}" for bob'


SECRET_KEYS = st.sampled_from(["password", "client_secret", "apiKey", "Authorization", "x-api-key", "refresh_token"])
PLAIN_KEYS = st.sampled_from(["user", "note", "path", "count", "nested"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PLAIN_KEYS, inner, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(
    plain=st.dictionaries(PLAIN_KEYS, VALUES, max_size=4),
    # (a leading letter: no value is one the rules leave alone on purpose, like "***", "null" or "Bearer …")
    secrets=st.dictionaries(SECRET_KEYS, TEXT.map(lambda s: "s" + s), min_size=1, max_size=3),
    compact=st.booleans(),
)
def test_any_json_object_stays_valid_and_loses_only_its_secret_values(
    plain: dict[str, Any], secrets: dict[str, str], compact: bool
) -> None:
    # Given a JSON object with secret-named keys holding any text (quotes, backslashes, unicode) and other keys
    document = {**plain, **secrets}
    separators = (",", ":") if compact else (", ", ": ")
    text = json.dumps(document, ensure_ascii=compact, separators=separators)
    table = pa.table({name: pa.array([text], pa.string()) for name in ("raw", "attributes", "message")})
    # When the default rules redact it in every column
    out, _ = Redactor().apply(table)
    # Then each column is still JSON, each secret value is replaced and every other key is unchanged
    for name in ("raw", "attributes", "message"):
        parsed = json.loads(out[name][0].as_py())
        assert set(parsed) == set(document)
        assert {key: parsed[key] for key in secrets} == dict.fromkeys(secrets, REDACTED)
        for key, value in plain.items():
            assert parsed[key] == value, (key, value)


def test_a_document_nested_too_deep_to_walk_is_redacted_as_text() -> None:
    # Given JSON that parses but is nested deeper than the walk can recurse, with a password at the bottom
    depth = 600
    text = '{"a":' * depth + '{"password":"D33p-Pw"}' + "}" * depth
    # When it is redacted
    out, count = Redactor().apply(pa.table({"attributes": pa.array([text], pa.string())}))
    # Then nothing raised, the password is gone and the text is still the same JSON otherwise
    redacted = out["attributes"][0].as_py()
    assert count == 1 and "D33p-Pw" not in redacted
    assert redacted == text.replace("D33p-Pw", REDACTED)


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        *((k, True) for k in ("password", "DB_PASSWORD", "client_secret", "x-api-key", "apiKey", "APIKEY")),
        *((k, True) for k in ("sessionToken", "X-Amz-Security-Token", "Authorization", "csrftoken", "privateKey")),
        *((k, True) for k in ("aws_secret_access_key", "SecretString", "spring.datasource.password", "_authToken")),
        *((k, False) for k in ("secretArn", "secret_name", "token_type", "tokenExpiresAt", "passwordLastChanged")),
        *((k, False) for k in ("secretsmanager", "bypass", "KeyError", "KeyId", "key", "sort_key", "auth_type")),
        *((k, False) for k in ("NotAuthorizedException", "aws_access_key_id", "PWD", "sessionId", "compass")),
    ],
)
def test_which_keys_name_a_secret(key: str, secret: bool) -> None:
    assert (key_kind(key) is not None) is secret
    if secret:  # and the pre-check lets every such key through, or its value would never be looked at
        line = pa.array([f'"{key}": "v"'], pa.string())
        assert pc.match_substring_regex(line, trigger(frozenset([SECRETS]))).to_pylist() == [True]
