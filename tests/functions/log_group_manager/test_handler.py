from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber

from functions.log_group_manager import handler as manager
from subscription.rules_loader import RulesError

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

EVENTS = Path(__file__).parents[2] / "events"
PARSER_GROUP = "/aws/lambda/loglake-prod-parser"
MANAGER_GROUP = "/aws/lambda/loglake-prod-log-group-manager"


@dataclass
class FakeContext:
    function_name: str = "loglake-prod-log-group-manager"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-prod-log-group-manager"
    aws_request_id: str = "5b1b6f6e-0d6e-4a4c-9f7a-2d1f1c3e4b5a"


def event(fixture: str, name: str | None = None) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / fixture).read_text())
    if name is not None:
        loaded = copy.deepcopy(loaded)
        loaded["detail"]["requestParameters"]["logGroupName"] = name
    return loaded


def invoke(payload: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = manager.handler(payload, FakeContext())
    return result


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, parser_arn: str) -> Iterator[str]:
    monkeypatch.setenv("LOGLAKE_PARSER_ARN", parser_arn)
    monkeypatch.setenv("AWS_LAMBDA_LOG_GROUP_NAME", MANAGER_GROUP)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.delenv("LOGLAKE_RULES_SSM_PARAMETER", raising=False)
    monkeypatch.delenv("LOGLAKE_ACCOUNT_POLICY", raising=False)
    manager.runtime.cache_clear()
    yield parser_arn
    manager.runtime.cache_clear()


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The manager's JSON log lines (its handler keeps the stdout it was created with)."""
    stream = io.StringIO()
    monkeypatch.setattr(manager.logger.registered_handler, "stream", stream)
    return stream


def state_of(logs: CloudWatchLogsClient, name: str) -> tuple[int | None, list[tuple[str, str]]]:
    group = next(g for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] if g["logGroupName"] == name)
    filters = logs.describe_subscription_filters(logGroupName=name)["subscriptionFilters"]
    return group.get("retentionInDays"), sorted((f["filterName"], f["destinationArn"]) for f in filters)


def test_create_log_group_events_give_every_kind_of_group_exactly_the_right_state(
    env: str, logs: CloudWatchLogsClient, other_destination: str, log: io.StringIO
) -> None:
    parser = env
    # Given log groups of every kind, just created (as CloudTrail reports them)
    plain, archive, tagged = "/aws/lambda/orders-api", "/aws/lambda/audit-archive", "/ecs/payments-worker"
    busy, longer, shorter = "/aws/lambda/busy", "/aws/lambda/keeps-a-year", "/aws/lambda/short"
    execution, odd = "API-Gateway-Execution-Logs_a1b2c3d4e5/prod", "/aws/lambda/my.func-v2_#1"
    for name in (plain, archive, busy, longer, shorter, execution, odd, PARSER_GROUP, MANAGER_GROUP):
        logs.create_log_group(logGroupName=name)
    logs.create_log_group(logGroupName=tagged, tags={"team": "payments"})
    logs.put_retention_policy(logGroupName=longer, retentionInDays=365)
    logs.put_retention_policy(logGroupName=shorter, retentionInDays=7)
    for filter_name in ("siem", "metrics"):
        logs.put_subscription_filter(
            logGroupName=busy, filterName=filter_name, filterPattern="", destinationArn=other_destination
        )
    base = "cloudtrail_create_log_group.json"
    events = [event(base, n) for n in (plain, busy, longer, shorter, execution, odd, PARSER_GROUP, MANAGER_GROUP)]
    events += [
        event("cloudtrail_create_log_group_infrequent_access.json"),
        event("cloudtrail_create_log_group_with_tags.json"),
    ]
    # When each event goes through the handler
    replies = {reply["log_group"]: reply for reply in map(invoke, events)}
    gone = invoke(event(base, "/aws/lambda/deleted-before-we-acted"))
    # Then retention and subscription filters are exactly as the shipped rules want
    ours = [("loglake-prod-parser", parser)]
    assert {name: state_of(logs, name) for name in replies} == {
        plain: (30, ours),
        busy: (30, [("metrics", other_destination), ("siem", other_destination)]),  # quota: left alone
        longer: (365, ours),  # a retention someone set is respected (not enforced)
        shorter: (7, ours),
        execution: (30, ours),
        odd: (30, ours),
        PARSER_GROUP: (30, []),  # never subscribed: a loop
        MANAGER_GROUP: (30, []),
        archive: (30, []),  # Infrequent Access: no subscription possible
        tagged: (365, []),  # the default rule
    }
    # And a group deleted before we acted is not an error
    assert gone == {"log_group": "/aws/lambda/deleted-before-we-acted", "status": "gone"}
    # And every action was logged as one JSON line, with its reason
    lines = json_lines(log.getvalue())
    actions = [line for line in lines if line.get("message") == "log group action"]
    assert len(actions) == 2 * len(events)
    skipped = {(a["log_group"], a["action"]): a["reason"] for a in actions if a["action"] == "skip"}
    assert "Infrequent Access" in skipped[(archive, "skip")]
    assert "quota of 2" in skipped[(busy, "skip")]
    assert "parser's own log group" in skipped[(PARSER_GROUP, "skip")]
    assert all(a["level"] == "INFO" and a["service"] == "loglake-log-group-manager" for a in actions)


def test_metrics_are_emitted_as_emf_in_the_loglake_namespace(
    env: str, logs: CloudWatchLogsClient, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given one new Lambda group
    logs.create_log_group(logGroupName="/aws/lambda/orders-api")
    # When its event is handled
    reply = invoke(event("cloudtrail_create_log_group.json"))
    # Then the reply and the EMF record say one group seen, retention set, subscribed
    assert reply == {"log_group": "/aws/lambda/orders-api", "status": "applied", "rule": "lambda"}
    emf = next(line for line in json_lines(capsys.readouterr().out) if "_aws" in line)
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "loglake"
    values = {k: emf[k] for k in ("GroupsSeen", "RetentionSet", "Subscribed", "Skipped", "Failed")}
    assert values == {
        "GroupsSeen": [1.0],
        "RetentionSet": [1.0],
        "Subscribed": [1.0],
        "Skipped": [0.0],
        "Failed": [0.0],
    }


def test_the_schedule_reconciles_drift_on_existing_groups(
    env: str, logs: CloudWatchLogsClient, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given groups that drifted: one never expires, one lost its subscription, one already fine
    parser = env
    for name in ("/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c"):
        logs.create_log_group(logGroupName=name)
    logs.put_retention_policy(logGroupName="/aws/lambda/b", retentionInDays=30)
    logs.put_retention_policy(logGroupName="/aws/lambda/c", retentionInDays=30)
    logs.put_subscription_filter(
        logGroupName="/aws/lambda/c", filterName="loglake-prod-parser", filterPattern="", destinationArn=parser
    )
    # When the daily schedule fires
    summary = invoke(event("scheduled_daily.json"))
    # Then everything is brought in line and the summary counts it
    assert {n: state_of(logs, n) for n in ("/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c")} == {
        n: (30, [("loglake-prod-parser", parser)]) for n in ("/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c")
    }
    assert summary == {
        "seen": 3, "retention_set": 1, "subscribed": 2, "unsubscribed": 0,
        "skipped": 0, "failed": 0, "gone": 0, "account_policy_error": None,
    }  # fmt: skip
    assert any(line.get("GroupsSeen") == [3.0] for line in json_lines(capsys.readouterr().out))


def test_rules_from_ssm_match_by_tags_and_enforce(
    env: str, logs: CloudWatchLogsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given rules in SSM that subscribe and enforce 90 days for the payments team's ECS groups
    rules = (
        "rules:\n"
        "  - name: payments\n    glob: /ecs/*\n    tags: {team: payments}\n"
        "    retention_days: 90\n    subscribe: true\n    enforce: true\n"
        "  - name: rest\n    glob: '*'\n"
    )
    boto3.client("ssm", region_name="eu-west-1").put_parameter(Name="/loglake/rules", Type="String", Value=rules)
    monkeypatch.setenv("LOGLAKE_RULES_SSM_PARAMETER", "/loglake/rules")
    # And a group created with those tags and a ten-year retention (the tags come from the event)
    logs.create_log_group(logGroupName="/ecs/payments-worker")
    logs.put_retention_policy(logGroupName="/ecs/payments-worker", retentionInDays=3653)
    # When its CreateLogGroup event is handled
    reply = invoke(event("cloudtrail_create_log_group_with_tags.json"))
    # Then the tag rule matched, and its retention was enforced
    assert reply["rule"] == "payments"
    assert state_of(logs, "/ecs/payments-worker") == (90, [("loglake-prod-parser", env)])


def test_invalid_rules_refuse_to_start_and_name_the_line(
    env: str, monkeypatch: pytest.MonkeyPatch, log: io.StringIO
) -> None:
    # Given a rules parameter with a retention CloudWatch does not accept on line 4
    bad = "rules:\n  - name: all\n    glob: '*'\n    retention_days: 45\n"
    boto3.client("ssm", region_name="eu-west-1").put_parameter(Name="/loglake/rules", Type="String", Value=bad)
    monkeypatch.setenv("LOGLAKE_RULES_SSM_PARAMETER", "/loglake/rules")
    # When invoked (twice: a failed start is not cached), Then it refuses, naming the line
    for _ in range(2):
        with pytest.raises(RulesError, match=r"ssm:/loglake/rules:4: retention_days 45 is not allowed"):
            invoke(event("scheduled_daily.json"))
    refused = [line for line in json_lines(log.getvalue()) if "refusing" in line.get("message", "")]
    assert len(refused) == 2 and refused[0]["line"] == 4


def test_ignored_events_change_nothing(env: str, logs: CloudWatchLogsClient) -> None:
    logs.create_log_group(logGroupName="/aws/lambda/orders-api")
    reply = invoke(event("cloudtrail_create_log_group_already_exists.json"))
    assert "ResourceAlreadyExistsException" in reply["ignored"]
    assert state_of(logs, "/aws/lambda/orders-api") == (None, [])


def test_account_mode_sets_retention_per_group_and_one_account_policy(
    env: str, logs: CloudWatchLogsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given account-level mode
    monkeypatch.setenv("LOGLAKE_ACCOUNT_POLICY", "true")
    logs.create_log_group(logGroupName="/aws/lambda/orders-api")
    # When a new group appears, Then it gets its retention but no per-group filter
    assert invoke(event("cloudtrail_create_log_group.json"))["status"] == "applied"
    assert state_of(logs, "/aws/lambda/orders-api") == (30, [])
    # When the schedule runs (moto has no account policies: the API is stubbed), Then the policy is put
    client = manager.runtime().logs
    with Stubber(client) as stub:
        stub.add_response("describe_log_groups", {"logGroups": []})
        stub.add_response("describe_account_policies", {"accountPolicies": []})
        stub.add_response(
            "put_account_policy",
            {},
            {
                "policyName": "loglake-prod-parser",
                "policyDocument": json.dumps({"DestinationArn": env, "FilterPattern": ""}, sort_keys=True),
                "policyType": "SUBSCRIPTION_FILTER_POLICY",
                "scope": "ALL",
                "selectionCriteria": f'LogGroupName NOT IN ["{MANAGER_GROUP}", "{PARSER_GROUP}"]',
            },
        )
        summary = invoke(event("scheduled_daily.json"))
        stub.assert_no_pending_responses()
    assert summary["account_policy_error"] is None and summary["seen"] == 0
