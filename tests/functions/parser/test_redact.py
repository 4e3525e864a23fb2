"""Redaction: built-in rules, user patterns, every free-text column, counted, before the lake sees a byte."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from functions.parser.ingest import Ingestor
from functions.parser.redact import BUILTINS, DEFAULT_RULES, Redactor, luhn_ok
from functions.parser.settings import Settings, SettingsError
from functions.parser.wiring import handle
from functions.sinks.s3_parquet import LocalStore
from tests.support import awslogs_event

AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
CARD = "4111 1111 1111 1111"  # a Luhn-valid test number


def table(*messages: str | None) -> pa.Table:
    return pa.table({"message": pa.array(messages, pa.string())})


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        ("aws_keys", f"creds {AWS_KEY} leaked", "creds [REDACTED:aws_key] leaked"),
        ("aws_keys", "ASIAY34FZKBOKMUTVV7A,", "[REDACTED:aws_key],"),
        ("secrets", "login password=hunter2&user=bob", "login password=[REDACTED]&user=bob"),
        ("secrets", '{"api_key": "k-123", "n": 1}', '{"api_key": "[REDACTED]", "n": 1}'),
        ("secrets", "aws_secret_access_key = wJalrXUtnFEMI", "aws_secret_access_key = [REDACTED]"),
        ("bearer", "Authorization: Bearer eyJhbGciOi.J9x", "Authorization: Bearer [REDACTED]"),
        ("emails", "sent to jane.doe+x@mail.example.org.", "sent to [REDACTED:email]."),
        ("cards", f"paid with {CARD} today", "paid with [REDACTED:card] today"),
        ("cards", "order 4111-1111-1111-1112 shipped", "order 4111-1111-1111-1112 shipped"),  # fails Luhn
        ("cards", "request 1700000000000000000 done", "request 1700000000000000000 done"),
    ],
)
def test_each_builtin_rule_replaces_what_it_names_and_nothing_else(rule: str, text: str, expected: str) -> None:
    out, count = Redactor.build([rule]).apply(table(text, None, "nothing here"))
    assert out["message"].to_pylist() == [expected, None, "nothing here"]
    assert count == (0 if expected == text else 1)


def test_luhn() -> None:
    assert luhn_ok("4111111111111111") and luhn_ok("5500005555555559") and not luhn_ok("4111111111111112")


def test_credentials_are_removed_by_default_and_personal_data_only_on_request() -> None:
    out, count = Redactor().apply(table(f"{AWS_KEY} password=x bob@example.com {CARD}"))
    assert out["message"][0].as_py() == f"[REDACTED:aws_key] password=[REDACTED] bob@example.com {CARD}"
    assert count == 2


def test_user_patterns_are_applied_and_bad_ones_refused() -> None:
    out, count = Redactor.build([], [r"cust-\d{6}"]).apply(table("for cust-123456 and cust-654321"))
    assert out["message"][0].as_py() == "for [REDACTED] and [REDACTED]" and count == 2
    with pytest.raises(ValueError, match="RE2"):
        Redactor.build([], ["(unclosed"])
    with pytest.raises(ValueError, match="unknown"):
        Redactor.build(["ssn"])


def test_settings_read_rules_and_patterns_from_the_environment() -> None:
    base = {"LOGLAKE_BUCKET": "b"}
    assert Settings.from_env(base).redact == ("aws_keys", "secrets", "tokens", "private_keys")
    configured = Settings.from_env({**base, "LOGLAKE_REDACT": "emails, cards", "LOGLAKE_REDACT_PATTERNS": '["x\\\\d"]'})
    assert configured.redact == ("emails", "cards") and configured.redact_patterns == ("x\\d",)
    assert Settings.from_env({**base, "LOGLAKE_REDACT": "none"}).redactor.rules == ()
    for bad in ({"LOGLAKE_REDACT": "nope"}, {"LOGLAKE_REDACT_PATTERNS": "{"}, {"LOGLAKE_REDACT_PATTERNS": '["("]'}):
        with pytest.raises(SettingsError):
            Settings.from_env({**base, **bad})


def payload(messages: list[str]) -> dict[str, Any]:
    return {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/lambda/checkout",
        "logStream": "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
        "subscriptionFilters": ["loglake"],
        "logEvents": [
            {
                "id": str(36000000000000000000000000000000000000000000000000000000 + i),
                "timestamp": 1795737600000 + i,
                "message": m,
            }
            for i, m in enumerate(messages)
        ],
    }


def test_nothing_secret_reaches_the_lake_in_any_column_and_the_count_is_reported(tmp_path: Path) -> None:
    # Given every rule on, and lines whose secrets land in message, raw, attributes, error fields
    lines = [
        json.dumps(
            {
                "timestamp": "2026-11-27T00:00:00Z",
                "level": "ERROR",
                "message": f"key {AWS_KEY}",
                "requestId": "r-1",
                "user": "ann@example.com",
                "errorType": "E",
                "errorMessage": f"card {CARD} declined",
                "stackTrace": [f"  File x, token={AWS_KEY}"],
            }
        ),
        f"2026-11-27T00:00:01.000Z\tr-2\tINFO\tAuthorization: Bearer abcdefgh12345678 for {AWS_KEY}",
    ]
    ingestor = Ingestor(store=LocalStore(tmp_path), prefix="", region="r", redactor=Redactor.build(list(BUILTINS)))
    # When the handler ingests them
    summary, _ = handle(awslogs_event(payload(lines)), ingestor)
    # Then no secret is stored anywhere, every row is kept, and the replacements are counted
    stored = ds.dataset(tmp_path / "events", format="parquet").to_table()
    text = json.dumps(stored.to_pylist(), default=str)
    for secret in (AWS_KEY, "ann@example.com", CARD, "abcdefgh12345678"):
        assert secret not in text
    assert stored.num_rows == 2 and summary.rows_written == 2
    assert "[REDACTED:email]" in str(stored["attributes"].to_pylist())
    assert summary.redacted_values >= 8  # the key 3 times in message/raw, the key in the trace, email, card, bearer


def test_the_stack_deploys_the_default_rules() -> None:
    # serverless.yml passes its `redact` parameter to LOGLAKE_REDACT: its default must be the parser's
    stack = (Path(__file__).resolve().parents[3] / "serverless.yml").read_text(encoding="utf-8")
    (default,) = re.findall(r"(?m)^ {4}redact: *(\S+)", stack)
    assert tuple(default.split(",")) == DEFAULT_RULES
