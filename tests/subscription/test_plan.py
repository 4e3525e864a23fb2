from __future__ import annotations

import json

import pytest

from subscription.plan import (
    ActionKind,
    LogGroupState,
    PlanSettings,
    SubscriptionFilterState,
    account_policy_plan,
    default_parser_log_group,
    plan_group,
    plan_groups,
)
from subscription.rules import MatchKind, NameMatcher, Rule, RuleSet

PARSER = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-prod-parser"
OTHER = "arn:aws:lambda:eu-west-1:123456789012:function:team-forwarder"
SETTINGS = PlanSettings(parser_arn=PARSER, parser_log_group="/aws/lambda/loglake-prod-parser")
OURS = "loglake-prod-parser"  # the parser function's name: it carries the service and the stage


def rules(enforce: bool = False, pattern: str = "") -> RuleSet:
    return RuleSet(
        rules=(
            Rule("lambda", NameMatcher(MatchKind.PREFIX, "/aws/lambda/"), (), 30, True, pattern, enforce),
            Rule("quiet", NameMatcher(MatchKind.PREFIX, "/quiet/"), (), None, False),
        )
    )


def test_a_group_that_never_expires_gets_the_rule_retention_and_a_subscription() -> None:
    plan = plan_group(LogGroupState("/aws/lambda/orders"), rules(), SETTINGS)
    assert plan.rule == "lambda"
    assert (plan.retention.kind, plan.retention.retention_days) == (ActionKind.SET_RETENTION, 30)
    assert "never expires" in plan.retention.reason
    assert plan.subscription.kind is ActionKind.SUBSCRIBE
    assert [a.kind for a in plan.changes] == [ActionKind.SET_RETENTION, ActionKind.SUBSCRIBE]


@pytest.mark.parametrize(("current", "word"), [(90, "longer"), (7, "shorter")])
def test_a_retention_someone_set_is_kept_unless_the_rule_enforces(current: int, word: str) -> None:
    # Given a group whose retention someone already set, longer or shorter than the rule's
    state = LogGroupState("/aws/lambda/orders", retention_days=current)
    # When the rule does not enforce, Then it is skipped with the reason
    kept = plan_group(state, rules(enforce=False), SETTINGS).retention
    assert kept.kind is ActionKind.SKIP
    assert word in kept.reason and "does not enforce" in kept.reason
    # When the rule enforces, Then it is set to the rule's value
    forced = plan_group(state, rules(enforce=True), SETTINGS).retention
    assert (forced.kind, forced.retention_days) == (ActionKind.SET_RETENTION, 30)
    assert word in forced.reason


def test_a_retention_already_right_and_a_rule_without_retention_change_nothing() -> None:
    assert plan_group(LogGroupState("/aws/lambda/x", 30), rules(), SETTINGS).retention.kind is ActionKind.KEEP
    quiet = plan_group(LogGroupState("/quiet/x"), rules(), SETTINGS)
    assert (quiet.retention.kind, quiet.subscription.kind) == (ActionKind.KEEP, ActionKind.KEEP)
    unmatched = plan_group(LogGroupState("/nothing/matches"), rules(), SETTINGS)
    assert unmatched.rule is None and unmatched.changes == ()


def test_the_parser_own_log_group_is_never_subscribed_even_when_a_rule_says_so() -> None:
    # Given the parser's own group, matched by the subscribing lambda rule
    plan = plan_group(LogGroupState("/aws/lambda/loglake-prod-parser"), rules(), SETTINGS)
    # Then its retention is still managed but subscribing it is refused: it would loop
    assert plan.retention.kind is ActionKind.SET_RETENTION
    assert plan.subscription.kind is ActionKind.SKIP
    assert "parser's own log group" in plan.subscription.reason


def test_a_loop_already_in_place_on_an_own_group_is_removed() -> None:
    settings = PlanSettings(PARSER, "/aws/lambda/loglake-prod-parser", frozenset({"/aws/lambda/loglake-mgr"}))
    state = LogGroupState("/aws/lambda/loglake-mgr", filters=(SubscriptionFilterState(OURS, PARSER),))
    assert plan_group(state, rules(), settings).subscription.kind is ActionKind.UNSUBSCRIBE


def test_infrequent_access_groups_are_skipped_and_say_so() -> None:
    state = LogGroupState("/aws/lambda/archive", log_group_class="INFREQUENT_ACCESS")
    plan = plan_group(state, rules(), SETTINGS)
    assert plan.subscription.kind is ActionKind.SKIP
    assert "Infrequent Access" in plan.subscription.reason
    assert plan.retention.kind is ActionKind.SET_RETENTION  # retention still applies


def test_a_group_at_its_filter_quota_is_reported_and_nobody_elses_filter_is_touched() -> None:
    # Given a group with two filters that are not ours
    filters = (SubscriptionFilterState("siem", OTHER), SubscriptionFilterState("metrics", OTHER))
    plan = plan_group(LogGroupState("/aws/lambda/busy", filters=filters), rules(), SETTINGS)
    # Then the subscription is skipped, naming both filters, and no action removes anything
    assert plan.subscription.kind is ActionKind.SKIP
    assert "'siem', 'metrics'" in plan.subscription.reason and "quota of 2" in plan.subscription.reason
    assert all(a.kind is not ActionKind.UNSUBSCRIBE for a in plan.actions)


def test_one_foreign_filter_leaves_room_for_ours() -> None:
    state = LogGroupState("/aws/lambda/half", filters=(SubscriptionFilterState("siem", OTHER),))
    assert plan_group(state, rules(), SETTINGS).subscription.kind is ActionKind.SUBSCRIBE


def test_our_filter_is_kept_when_right_and_updated_in_place_when_its_pattern_differs() -> None:
    right = LogGroupState("/aws/lambda/x", filters=(SubscriptionFilterState(OURS, PARSER, ""),))
    assert plan_group(right, rules(), SETTINGS).subscription.kind is ActionKind.KEEP
    update = plan_group(right, rules(pattern="ERROR"), SETTINGS).subscription
    assert (update.kind, update.filter_pattern) == (ActionKind.SUBSCRIBE, "ERROR")
    assert "in place" in update.reason


def test_the_filter_name_carries_the_stack_and_stage() -> None:
    assert SETTINGS.filter_name == OURS
    dev = PlanSettings("arn:aws:lambda:eu-west-1:123456789012:function:loglake-dev-parser:live", "/x")
    assert dev.filter_name == "loglake-dev-parser"


def test_another_teams_filter_named_loglake_is_never_retargeted_or_removed() -> None:
    # Given another team's filter called `loglake` to their own forwarder
    theirs = SubscriptionFilterState("loglake", OTHER, "ERROR")
    state = LogGroupState("/aws/lambda/x", filters=(theirs,))
    # When loglake plans the group, whether its rule subscribes it or not
    subscribed = plan_group(state, rules(), SETTINGS)
    quiet = plan_group(LogGroupState("/quiet/x", filters=(theirs,)), rules(), SETTINGS)
    # Then ours is added beside theirs under our own name, and theirs is never unsubscribed
    assert subscribed.subscription.kind is ActionKind.SUBSCRIBE
    assert subscribed.own_filter is None and subscribed.other_filters == (theirs,)
    assert quiet.subscription.kind is ActionKind.KEEP


@pytest.mark.parametrize("name", [OURS, "loglake"])
def test_a_filter_with_our_name_aimed_elsewhere_is_reported_not_taken_over(name: str) -> None:
    # Given a filter with a loglake-looking name that delivers somewhere else
    state = LogGroupState("/aws/lambda/x", filters=(SubscriptionFilterState(name, OTHER),))
    # When planned with a rule that subscribes, or with none
    action = plan_group(state, rules(pattern="ERROR"), SETTINGS).subscription
    quiet = plan_group(LogGroupState("/quiet/x", filters=state.filters), rules(), SETTINGS).subscription
    # Then nothing would retarget it (a put under our name would) nor delete it
    if name == OURS:
        assert action.kind is ActionKind.SKIP and "not ours" in action.reason and OTHER in action.reason
    else:
        assert action.kind is ActionKind.SUBSCRIBE  # under our own name, beside it
    assert quiet.kind is ActionKind.KEEP


def test_another_stages_filter_is_not_ours_and_both_fit() -> None:
    # Given the dev stage's filter on a group, planned by prod
    dev = SubscriptionFilterState(
        "loglake-dev-parser", "arn:aws:lambda:eu-west-1:123456789012:function:loglake-dev-parser"
    )
    state = LogGroupState("/aws/lambda/x", filters=(dev,))
    # Then prod adds its own beside it
    assert plan_group(state, rules(), SETTINGS).subscription.kind is ActionKind.SUBSCRIBE


def test_no_room_left_by_two_filters_not_ours_is_reported() -> None:
    filters = (SubscriptionFilterState("loglake", OTHER), SubscriptionFilterState("loglake-dev-parser", OTHER))
    action = plan_group(LogGroupState("/aws/lambda/x", filters=filters), rules(), SETTINGS).subscription
    assert action.kind is ActionKind.SKIP and action.reason.startswith("no room")


def test_a_group_already_feeding_the_parser_under_another_name_is_not_doubled() -> None:
    state = LogGroupState("/aws/lambda/x", filters=(SubscriptionFilterState("manual", PARSER),))
    action = plan_group(state, rules(), SETTINGS).subscription
    assert action.kind is ActionKind.KEEP and "'manual'" in action.reason


def test_our_filter_is_removed_when_the_rule_no_longer_subscribes() -> None:
    state = LogGroupState("/quiet/x", filters=(SubscriptionFilterState(OURS, PARSER),))
    assert plan_group(state, rules(), SETTINGS).subscription.kind is ActionKind.UNSUBSCRIBE


def test_account_mode_plans_one_policy_excluding_own_groups_and_no_group_filters() -> None:
    # Given account-level mode with an extra own group whose name needs quoting care
    settings = PlanSettings(PARSER, "/aws/lambda/loglake-prod-parser", frozenset({"/aws/lambda/loglake-mgr"}), True)
    plan = plan_groups([LogGroupState("/aws/lambda/x")], rules(), settings)
    # Then no per-group filter is planned, retention still is, and the policy excludes loglake's groups
    group = plan.groups[0]
    assert (group.retention.kind, group.subscription.kind) == (ActionKind.SET_RETENTION, ActionKind.KEEP)
    assert plan.account_policy is not None
    assert plan.account_policy.selection_criteria == (
        'LogGroupName NOT IN ["/aws/lambda/loglake-mgr", "/aws/lambda/loglake-prod-parser"]'
    )
    assert json.loads(plan.account_policy.policy_document) == {"DestinationArn": PARSER, "FilterPattern": ""}
    # And a policy already as wanted is not put again
    again = plan_groups([], rules(), settings, current_policy=account_policy_plan(settings))
    assert again.account_policy is None and "up to date" in again.account_policy_reason


def test_account_mode_drops_our_duplicate_per_group_filter() -> None:
    settings = PlanSettings(PARSER, "/aws/lambda/loglake-prod-parser", account_policy=True)
    state = LogGroupState("/aws/lambda/x", filters=(SubscriptionFilterState(OURS, PARSER),))
    assert plan_group(state, rules(), settings).subscription.kind is ActionKind.UNSUBSCRIBE


def test_unusual_names_are_planned_and_quoted_safely() -> None:
    # Given names with the characters CloudWatch allows beyond letters: . - _ / #
    names = ["/aws/lambda/my.func-v2_#1", "/aws/lambda/a/b/c", "/aws/lambda/" + "x" * 500]
    plans = plan_groups([LogGroupState(n) for n in names], rules(), SETTINGS).groups
    assert [p.group.name for p in plans] == names
    assert all(p.subscription.kind is ActionKind.SUBSCRIBE for p in plans)
    settings = PlanSettings(PARSER, '/aws/lambda/we"ird#1', account_policy=True)
    criteria = account_policy_plan(settings).selection_criteria
    assert criteria == 'LogGroupName NOT IN ["/aws/lambda/we\\"ird#1"]'


def test_the_parser_log_group_defaults_from_its_arn() -> None:
    assert default_parser_log_group(PARSER) == "/aws/lambda/loglake-prod-parser"
    assert default_parser_log_group(PARSER + ":live") == "/aws/lambda/loglake-prod-parser"
    with pytest.raises(ValueError, match="not a Lambda function ARN"):
        default_parser_log_group("arn:aws:kinesis:eu-west-1:123456789012:stream/x")
