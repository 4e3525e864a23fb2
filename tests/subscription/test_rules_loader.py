from __future__ import annotations

from pathlib import Path

import pytest

from subscription.rules import MatchKind
from subscription.rules_loader import DEFAULT_RULES_PATH, RulesError, load_rules_file, parse_rules

VALID = """\
version: 1
rules:
  - name: payments
    glob: "/ecs/*"
    tags: {team: payments, env: "*"}
    retention_days: 90
    subscribe: true
    filter_pattern: "?ERROR ?WARN"
    enforce: true
  - name: rest
    regex: '.*'
"""


def test_the_shipped_defaults_load_and_say_what_the_issue_asks() -> None:
    # Given the bundled rules.yaml
    rules = load_rules_file(DEFAULT_RULES_PATH)
    by_name = {rule.name: rule for rule in rules.rules}
    # Then Lambda and API Gateway groups get 30 days and a subscription, loglake's own groups none
    for group in ("/aws/lambda/orders", "/aws/apigateway/orders-prod", "API-Gateway-Execution-Logs_abc/prod"):
        matched = rules.first_match(group, {})
        assert matched is not None
        assert (matched.retention_days, matched.subscribe) == (30, True), group
    own = rules.first_match("/aws/lambda/loglake-prod-parser", {})
    assert own is not None and own.subscribe is False
    # And everything else stops never-expiring without overriding a team's own choice
    assert by_name["default"].retention_days == 365
    assert by_name["default"].enforce is False


def test_a_full_rule_is_read_with_every_field() -> None:
    rules = parse_rules(VALID, source="test.yaml")
    payments, rest = rules.rules
    assert payments.matcher.kind is MatchKind.GLOB and payments.matcher.pattern == "/ecs/*"
    assert payments.tags == (("team", "payments"), ("env", "*"))
    assert (payments.retention_days, payments.subscribe, payments.enforce) == (90, True, True)
    assert payments.filter_pattern == "?ERROR ?WARN"
    # And omitted fields take safe defaults: no retention change, no subscription, not enforced
    assert (rest.retention_days, rest.subscribe, rest.enforce, rest.filter_pattern) == (
        None,
        False,
        False,
        "",
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "rules:\n  - name: a\n    prefix: /x\n    retention_days: 31\n",
            4,
            "retention_days 31 is not allowed",
        ),
        ("rules:\n  - name: a\n    prefix: /x\n    retension_days: 30\n", 4, "unknown key 'retension_days'"),
        ("rules:\n  - name: a\n    prefix: [/x\n", 4, "invalid YAML"),
        ("rules:\n  - name: a\n    regex: '('\n", 3, "does not compile"),
        ("rules:\n  - name: a\n    prefix: /x\n  - name: a\n    glob: '*'\n", 4, "already used on line 2"),
        (
            "rules:\n  - name: a\n    prefix: /x\n    glob: '*'\n",
            2,
            "exactly one of 'prefix', 'glob', 'regex'",
        ),
        ("rules:\n  - name: a\n    prefix: /x\n    subscribe: maybe\n", 4, "subscribe must be true or false"),
        ("rules:\n  - name: a\n    prefix: /x\n    retention_days: thirty\n", 4, "whole number of days"),
        ("rules:\n  - name: a\n    prefix: /x\n    prefix: /y\n", 4, "duplicate key 'prefix'"),
        ("version: 2\nrules:\n  - name: a\n    prefix: /x\n", 1, "unsupported version 2"),
        ("rules: []\n", 1, "non-empty list"),
        ("rules:\n  - prefix: /x\n", 2, "needs a 'name'"),
        ("rules:\n  - name: a\n    prefix: 42\n", 3, "must be a string"),
    ],
)
def test_an_invalid_rules_file_names_the_line(text: str, line: int, message: str) -> None:
    # Given a broken rules document, When it is parsed, Then the error names the source, line and problem
    with pytest.raises(RulesError) as caught:
        parse_rules(text, source="rules.yaml")
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"rules.yaml:{line}: ")


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="empty"):
        parse_rules("", source="empty.yaml")
    with pytest.raises(RulesError, match="cannot read rules file"):
        load_rules_file(tmp_path / "missing.yaml")
