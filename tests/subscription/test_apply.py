from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber

from subscription.apply import (
    Status,
    apply_group,
    apply_plan,
    current_account_policy,
    describe_group,
    logs_client,
    manage_new_group,
    put_account_policy,
    read_rules_parameter,
    read_states,
    summarize,
)
from subscription.plan import (
    ActionKind,
    LogGroupState,
    PlanSettings,
    SubscriptionFilterState,
    account_policy_plan,
    plan_group,
    plan_groups,
)
from subscription.rules_loader import RulesError, load_rules_file

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

REGION = "eu-west-1"
PARSER_GROUP = "/aws/lambda/loglake-prod-parser"


def filters_of(logs: CloudWatchLogsClient, name: str) -> list[tuple[str, str]]:
    found = logs.describe_subscription_filters(logGroupName=name)["subscriptionFilters"]
    return sorted((f["filterName"], f["destinationArn"]) for f in found)


def retention_of(logs: CloudWatchLogsClient, name: str) -> int | None:
    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next(g.get("retentionInDays") for g in groups if g["logGroupName"] == name)


def test_read_states_sees_retention_tags_and_filters(
    logs: CloudWatchLogsClient, parser_arn: str, other_destination: str
) -> None:
    # Given a tagged group with a retention and someone else's filter, and a group with an unusual name
    logs.create_log_group(logGroupName="/ecs/payments", tags={"team": "payments"})
    logs.put_retention_policy(logGroupName="/ecs/payments", retentionInDays=14)
    logs.put_subscription_filter(
        logGroupName="/ecs/payments",
        filterName="siem",
        filterPattern="ERROR",
        destinationArn=other_destination,
    )
    logs.create_log_group(logGroupName="/aws/lambda/my.func-v2_#1")
    # When the states are read
    read = read_states(logs)
    # Then each carries what AWS knows about it
    by_name = {s.name: s for s in read.states}
    assert by_name["/ecs/payments"] == LogGroupState(
        name="/ecs/payments",
        retention_days=14,
        tags={"team": "payments"},
        filters=(SubscriptionFilterState("siem", other_destination, "ERROR"),),
    )
    assert by_name["/aws/lambda/my.func-v2_#1"].retention_days is None
    assert read.failures == ()
    # And a prefix limits the listing
    assert [s.name for s in read_states(logs, prefix="/ecs/").states] == ["/ecs/payments"]


def test_describe_group_matches_the_exact_name_only(logs: CloudWatchLogsClient) -> None:
    logs.create_log_group(logGroupName="/aws/lambda/ab")
    assert describe_group(logs, "/aws/lambda/a") is None
    found = describe_group(logs, "/aws/lambda/ab")
    assert found is not None and found.name == "/aws/lambda/ab"


def test_apply_changes_exactly_the_plan_and_leaves_foreign_filters_alone(
    logs: CloudWatchLogsClient, parser_arn: str, other_destination: str
) -> None:
    # Given groups of several kinds and the shipped rules
    settings = PlanSettings(parser_arn=parser_arn, parser_log_group=PARSER_GROUP)
    for name in ("/aws/lambda/orders", PARSER_GROUP, "/aws/lambda/busy", "/aws/lambda/kept", "/ecs/other"):
        logs.create_log_group(logGroupName=name)
    logs.put_retention_policy(logGroupName="/aws/lambda/kept", retentionInDays=90)
    for filter_name in ("siem", "metrics"):
        logs.put_subscription_filter(
            logGroupName="/aws/lambda/busy",
            filterName=filter_name,
            filterPattern="",
            destinationArn=other_destination,
        )
    plan = plan_groups(read_states(logs).states, load_rules_file(), settings)
    # When the plan is applied
    results = apply_plan(logs, plan, settings)
    # Then retention and filters are exactly what the plan said
    assert {r.plan.group.name: r.status for r in results} == {
        "/aws/lambda/orders": Status.APPLIED,
        PARSER_GROUP: Status.APPLIED,
        "/aws/lambda/busy": Status.APPLIED,
        "/aws/lambda/kept": Status.APPLIED,
        "/ecs/other": Status.APPLIED,
    }
    assert retention_of(logs, "/aws/lambda/orders") == 30
    assert filters_of(logs, "/aws/lambda/orders") == [("loglake-prod-parser", parser_arn)]
    assert (retention_of(logs, PARSER_GROUP), filters_of(logs, PARSER_GROUP)) == (30, [])
    assert filters_of(logs, "/aws/lambda/busy") == [
        ("metrics", other_destination),
        ("siem", other_destination),
    ]
    assert retention_of(logs, "/aws/lambda/kept") == 90  # not enforced: kept
    assert filters_of(logs, "/aws/lambda/kept") == [("loglake-prod-parser", parser_arn)]
    assert (retention_of(logs, "/ecs/other"), filters_of(logs, "/ecs/other")) == (365, [])
    assert summarize(results).as_dict() == {
        "seen": 5, "retention_set": 4, "subscribed": 2, "unsubscribed": 0,
        "skipped": 3, "failed": 0, "gone": 0,
    }  # fmt: skip
    # And a second run finds nothing left to change
    again = plan_groups(read_states(logs).states, load_rules_file(), settings)
    assert [g.group.name for g in again.groups if g.changes] == []


def test_a_group_deleted_before_we_act_is_gone_not_failed(logs: CloudWatchLogsClient, parser_arn: str) -> None:
    # Given a plan for a group that is then deleted
    settings = PlanSettings(parser_arn=parser_arn, parser_log_group=PARSER_GROUP)
    logs.create_log_group(logGroupName="/aws/lambda/short-lived")
    plan = plan_group(read_states(logs).states[0], load_rules_file(), settings)
    logs.delete_log_group(logGroupName="/aws/lambda/short-lived")
    # When it is applied
    result = apply_group(logs, plan, settings)
    # Then it is reported gone, with no error and no further call
    assert result.status is Status.GONE
    assert [r.status for r in result.results] == [Status.GONE, Status.GONE]
    assert summarize([result]).as_dict()["failed"] == 0
    # And a new group that vanished before we read it yields nothing at all
    assert manage_new_group(logs, "/aws/lambda/never-there", load_rules_file(), settings) is None


def test_clients_retry_in_adaptive_mode() -> None:
    retries = getattr(logs_client(REGION).meta.config, "retries", None)
    assert retries is not None and retries["mode"] == "adaptive"


def error(code: str) -> dict[str, Any]:
    return {"service_error_code": code, "service_message": f"{code} (test)", "http_status_code": 400}


def test_throttling_and_limit_errors_fail_only_their_group(aws: None) -> None:
    # Given three groups to subscribe, where AWS throttles one and refuses another (retries exhausted)
    parser = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-prod-parser"
    settings = PlanSettings(parser_arn=parser, parser_log_group=PARSER_GROUP)
    rules = load_rules_file()
    names = ["/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c"]
    plan = plan_groups([LogGroupState(n) for n in names], rules, settings)
    client = logs_client(REGION)
    with Stubber(client) as stub:
        stub.add_client_error("put_retention_policy", **error("ThrottlingException"))
        stub.add_response("put_subscription_filter", {})
        stub.add_response("put_retention_policy", {})
        stub.add_response("put_subscription_filter", {})
        stub.add_response("put_retention_policy", {})
        stub.add_client_error("put_subscription_filter", **error("LimitExceededException"))
        # When the plan is applied
        results = apply_plan(client, plan, settings)
        stub.assert_no_pending_responses()
    # Then a and c fail with a clear reason, b (between them) is applied
    assert [r.status for r in results] == [Status.FAILED, Status.APPLIED, Status.FAILED]
    assert results[0].results[0].error == "ThrottlingException: ThrottlingException (test)"
    assert results[0].results[1].status is Status.APPLIED  # the other action of that group still ran
    assert results[2].results[1].error == "LimitExceededException: LimitExceededException (test)"
    assert summarize(results).failed == 2


def test_account_policy_is_put_with_the_documented_shape(aws: None) -> None:
    # Given account-level mode
    parser = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-prod-parser"
    settings = PlanSettings(parser, PARSER_GROUP, frozenset({"/aws/lambda/loglake-prod-manager"}), True)
    wanted = account_policy_plan(settings)
    client = logs_client(REGION)
    with Stubber(client) as stub:
        stub.add_response(
            "describe_account_policies",
            {"accountPolicies": []},
            {"policyType": "SUBSCRIPTION_FILTER_POLICY", "policyName": "loglake-prod-parser"},
        )
        stub.add_response(
            "put_account_policy",
            {"accountPolicy": {"policyName": "loglake-prod-parser", "policyType": "SUBSCRIPTION_FILTER_POLICY"}},
            {
                "policyName": "loglake-prod-parser",
                "policyDocument": json.dumps({"DestinationArn": parser, "FilterPattern": ""}, sort_keys=True),
                "policyType": "SUBSCRIPTION_FILTER_POLICY",
                "scope": "ALL",
                "selectionCriteria": "LogGroupName NOT IN "
                '["/aws/lambda/loglake-prod-manager", "/aws/lambda/loglake-prod-parser"]',
            },
        )
        # When there is no policy yet, Then the plan puts one (the Stubber checks the exact parameters)
        current = current_account_policy(client, "loglake-prod-parser")
        plan = plan_groups([], load_rules_file(), settings, current)
        assert current is None and plan.account_policy == wanted
        assert put_account_policy(client, wanted) is None
        stub.assert_no_pending_responses()


def test_an_existing_equal_account_policy_is_recognised_and_a_failed_put_is_reported(aws: None) -> None:
    parser = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-prod-parser"
    settings = PlanSettings(parser, PARSER_GROUP, account_policy=True)
    wanted = account_policy_plan(settings)
    client = logs_client(REGION)
    existing = {
        "policyName": "loglake-prod-parser",
        "policyType": "SUBSCRIPTION_FILTER_POLICY",
        "policyDocument": json.dumps({"FilterPattern": "", "DestinationArn": parser}, indent=2),
        "selectionCriteria": wanted.selection_criteria,
        "scope": "ALL",
    }
    with Stubber(client) as stub:
        stub.add_response("describe_account_policies", {"accountPolicies": [existing]})
        stub.add_client_error("put_account_policy", **error("LimitExceededException"))
        assert current_account_policy(client, "loglake-prod-parser") == wanted  # formatting differences do not matter
        assert put_account_policy(client, wanted) == "LimitExceededException: LimitExceededException (test)"


def test_rules_can_come_from_ssm_and_bad_ones_name_the_line(aws: None) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name="/loglake/rules", Type="String", Value="rules:\n  - name: all\n    glob: '*'\n")
    assert [r.name for r in read_rules_parameter(ssm, "/loglake/rules").rules] == ["all"]
    ssm.put_parameter(
        Name="/loglake/bad",
        Type="String",
        Value="rules:\n  - name: all\n    glob: '*'\n    retention_days: 2\n",
    )
    with pytest.raises(RulesError, match=r"^ssm:/loglake/bad:4: retention_days 2 is not allowed"):
        read_rules_parameter(ssm, "/loglake/bad")


def test_plan_reasons_survive_application(logs: CloudWatchLogsClient, parser_arn: str) -> None:
    # Given an Infrequent Access group (moto does not keep the class, so the state says it)
    settings = PlanSettings(parser_arn=parser_arn, parser_log_group=PARSER_GROUP)
    logs.create_log_group(logGroupName="/aws/lambda/archive")
    state = LogGroupState("/aws/lambda/archive", log_group_class="INFREQUENT_ACCESS")
    # When applied
    result = apply_group(logs, plan_group(state, load_rules_file(), settings), settings)
    # Then retention is set, the subscription skipped with its reason, and no filter exists
    assert [(r.action.kind, r.status) for r in result.results] == [
        (ActionKind.SET_RETENTION, Status.APPLIED),
        (ActionKind.SKIP, Status.NOT_CHANGED),
    ]
    assert "Infrequent Access" in result.results[1].action.reason
    assert filters_of(logs, "/aws/lambda/archive") == []


def test_reading_isolates_a_failing_group_and_drops_one_deleted_meanwhile(aws: None) -> None:
    # Given three listed groups: one unreadable, one deleted before its tags are read, one fine
    client = logs_client(REGION)
    listed = [
        {"logGroupName": n, "logGroupArn": f"arn:aws:logs:eu-west-1:123456789012:log-group:{n}"}
        for n in ("/a", "/b", "/c")
    ]
    with Stubber(client) as stub:
        stub.add_response("describe_log_groups", {"logGroups": listed})
        stub.add_client_error("list_tags_for_resource", **error("AccessDeniedException"))
        stub.add_client_error("list_tags_for_resource", **error("ResourceNotFoundException"))
        stub.add_response("list_tags_for_resource", {"tags": {"team": "web"}})
        stub.add_response("describe_subscription_filters", {"subscriptionFilters": []})
        # When the states are read
        read = read_states(client)
    # Then the fine one is read, the deleted one is silently gone, and the unreadable one is a failure
    assert read.states == (LogGroupState("/c", tags={"team": "web"}),)
    assert [(f.log_group, f.error.split(":")[0]) for f in read.failures] == [("/a", "AccessDeniedException")]
    assert summarize([], read.failures).as_dict()["failed"] == 1
