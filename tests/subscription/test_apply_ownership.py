"""The manager touches only its own filters: other teams' and other stages' filters survive every run (moto)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from subscription.apply import apply_plan, read_states
from subscription.plan import ActionKind, PlanSettings, plan_groups
from subscription.rules_loader import load_rules_file
from tests.aws_fakes import create_function

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

Filters = dict[str, list[tuple[str, str]]]


def all_filters(logs: CloudWatchLogsClient, names: list[str]) -> Filters:
    found = {n: logs.describe_subscription_filters(logGroupName=n)["subscriptionFilters"] for n in names}
    return {n: sorted((f["filterName"], f["destinationArn"]) for f in items) for n, items in found.items()}


def daily_run(logs: CloudWatchLogsClient, settings: PlanSettings) -> dict[str, ActionKind]:
    """One stage's daily reconcile, as the manager does it; returns each group's subscription action."""
    plan = plan_groups(read_states(logs).states, load_rules_file(), settings)
    apply_plan(logs, plan, settings)
    return {g.group.name: g.subscription.kind for g in plan.groups}


def test_two_stages_and_another_team_share_groups_for_a_week_without_flip_flop(
    logs: CloudWatchLogsClient, parser_arn: str, other_destination: str
) -> None:
    # Given two stages of loglake in one account and another team's filter named `loglake`
    dev_arn = create_function("loglake-dev-parser")
    prod = PlanSettings(parser_arn=parser_arn, parser_log_group="/aws/lambda/loglake-prod-parser")
    dev = PlanSettings(parser_arn=dev_arn, parser_log_group="/aws/lambda/loglake-dev-parser")
    groups = ["/aws/lambda/orders", "/aws/lambda/payments", "/aws/lambda/busy"]
    for name in groups:
        logs.create_log_group(logGroupName=name)
    theirs = ("loglake", other_destination)
    logs.put_subscription_filter(
        logGroupName="/aws/lambda/orders", filterName="loglake", filterPattern="", destinationArn=other_destination
    )
    for filter_name in ("loglake", "siem"):
        logs.put_subscription_filter(
            logGroupName="/aws/lambda/busy", filterName=filter_name, filterPattern="", destinationArn=other_destination
        )
    # When prod then dev run their daily reconcile, seven days in a row
    history: list[Filters] = []
    actions: list[tuple[dict[str, ActionKind], dict[str, ActionKind]]] = []
    for _day in range(7):
        actions.append((daily_run(logs, prod), daily_run(logs, dev)))
        history.append(all_filters(logs, groups))
    # Then after the first day each group holds: the other team's filter untouched, each stage's
    # own filter where the quota of two leaves room, never anything retargeted
    expected = {
        "/aws/lambda/orders": sorted([theirs, ("loglake-prod-parser", parser_arn)]),
        "/aws/lambda/payments": sorted([("loglake-dev-parser", dev_arn), ("loglake-prod-parser", parser_arn)]),
        "/aws/lambda/busy": sorted([theirs, ("siem", other_destination)]),
    }
    assert history == [expected] * 7
    # And the stage without room says so every day instead of taking the other team's place
    prod_day1, dev_day1 = actions[0]
    assert dev_day1["/aws/lambda/orders"] is ActionKind.SKIP
    assert prod_day1["/aws/lambda/busy"] is ActionKind.SKIP and dev_day1["/aws/lambda/busy"] is ActionKind.SKIP
    # And from the second day on, neither stage changes any subscription (no flip-flop)
    for prod_day, dev_day in actions[1:]:
        for kinds in (prod_day, dev_day):
            assert ActionKind.SUBSCRIBE not in kinds.values() and ActionKind.UNSUBSCRIBE not in kinds.values()


def test_a_stage_whose_rules_stop_subscribing_removes_only_its_own_filter(
    logs: CloudWatchLogsClient, parser_arn: str, other_destination: str
) -> None:
    # Given a group carrying prod's own filter and a filter named `loglake` someone aimed at our parser
    prod = PlanSettings(parser_arn=parser_arn, parser_log_group="/aws/lambda/loglake-prod-parser")
    logs.create_log_group(logGroupName="/quiet/app")
    logs.put_subscription_filter(
        logGroupName="/quiet/app", filterName="loglake", filterPattern="", destinationArn=parser_arn
    )
    logs.put_subscription_filter(
        logGroupName="/quiet/app", filterName="loglake-prod-parser", filterPattern="", destinationArn=parser_arn
    )
    # When prod reconciles with the shipped rules (which do not subscribe /quiet/)
    daily_run(logs, prod)
    # Then only prod's own filter is gone; the `loglake` one someone aimed at our parser stays (reported)
    assert all_filters(logs, ["/quiet/app"]) == {"/quiet/app": [("loglake", parser_arn)]}
