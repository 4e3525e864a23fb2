"""The planner: (log group state, rules, settings) → the actions loglake would take, each with a reason.

Pure: no AWS calls, no logging. `apply.py` reads the state and carries out the actions that change
something; the CLI prints the plan as it is.

Ownership: a subscription filter is loglake's (this stack's) only when BOTH its name is this stack's
filter name (the parser function's name, e.g. `loglake-prod-parser`: it carries the service and the
stage) AND it delivers to this stack's parser. Only such a filter is ever updated or deleted. Any other
filter - another team's named `loglake`, another stage's, one with our name aimed elsewhere - is left
as it is and named in the reason; two stages in one account each keep their own filter on a group
(when the quota of filters per group leaves room, otherwise the plan says there is none).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from subscription.rules import Rule, RuleSet

SUBSCRIPTION_FILTER_QUOTA = 2
INFREQUENT_ACCESS = "INFREQUENT_ACCESS"


@dataclass(frozen=True)
class SubscriptionFilterState:
    name: str
    destination_arn: str
    filter_pattern: str = ""


@dataclass(frozen=True)
class LogGroupState:
    """What we know about one log group. `retention_days` None means "never expire";
    `log_group_class` None means unknown (treated as STANDARD)."""

    name: str
    retention_days: int | None = None
    log_group_class: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)
    filters: tuple[SubscriptionFilterState, ...] = ()

    def own_filter(self, settings: PlanSettings) -> SubscriptionFilterState | None:
        return next((f for f in self.filters if settings.owns(f)), None)

    def other_filters(self, settings: PlanSettings) -> tuple[SubscriptionFilterState, ...]:
        return tuple(f for f in self.filters if not settings.owns(f))


@dataclass(frozen=True)
class PlanSettings:
    """What the planner needs beyond rules: where to subscribe, and what must never be subscribed."""

    parser_arn: str
    parser_log_group: str
    own_log_groups: frozenset[str] = frozenset()
    account_policy: bool = False

    def never_subscribe(self) -> frozenset[str]:
        return self.own_log_groups | {self.parser_log_group}

    @property
    def filter_name(self) -> str:
        """This stack's subscription filter (and account policy) name: the parser function's name."""
        return parser_function_name(self.parser_arn)

    def owns(self, item: SubscriptionFilterState) -> bool:
        """Ours only by name AND destination (see the module docstring)."""
        return item.name == self.filter_name and item.destination_arn == self.parser_arn


class ActionKind(StrEnum):
    SET_RETENTION = "set-retention"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    SKIP = "skip"  # the rule asks for something we must not or cannot do: reported, not done
    KEEP = "keep"  # nothing to do


CHANGES = frozenset({ActionKind.SET_RETENTION, ActionKind.SUBSCRIBE, ActionKind.UNSUBSCRIBE})


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    log_group: str
    reason: str
    retention_days: int | None = None
    filter_pattern: str = ""

    @property
    def changes_state(self) -> bool:
        return self.kind in CHANGES


@dataclass(frozen=True)
class GroupPlan:
    group: LogGroupState
    rule: str | None
    retention: Action
    subscription: Action
    own_filter: SubscriptionFilterState | None = None
    other_filters: tuple[SubscriptionFilterState, ...] = ()

    @property
    def actions(self) -> tuple[Action, Action]:
        return (self.retention, self.subscription)

    @property
    def changes(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.changes_state)


@dataclass(frozen=True)
class AccountPolicyPlan:
    """One account-level SUBSCRIPTION_FILTER_POLICY to the parser, excluding loglake's own groups."""

    policy_name: str
    policy_document: str
    selection_criteria: str


@dataclass(frozen=True)
class Plan:
    """Per-group plans, plus the account-level policy to put (None: not used, or already as wanted)."""

    groups: tuple[GroupPlan, ...]
    account_policy: AccountPolicyPlan | None = None
    account_policy_reason: str = "account-level subscription policy not used"

    @property
    def change_count(self) -> int:
        return sum(len(g.changes) for g in self.groups) + (1 if self.account_policy else 0)


def parser_function_name(parser_arn: str) -> str:
    """The function name of a Lambda ARN (a version or alias suffix is dropped)."""
    parts = parser_arn.split(":")
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        raise ValueError(f"not a Lambda function ARN: {parser_arn!r}")
    return parts[6]


def default_parser_log_group(parser_arn: str) -> str:
    """`/aws/lambda/<function>` for a Lambda ARN."""
    return f"/aws/lambda/{parser_function_name(parser_arn)}"


def plan_group(state: LogGroupState, rules: RuleSet, settings: PlanSettings) -> GroupPlan:
    rule = rules.first_match(state.name, state.tags)
    return GroupPlan(
        group=state,
        rule=rule.name if rule else None,
        retention=plan_retention(state, rule),
        subscription=plan_subscription(state, rule, settings),
        own_filter=state.own_filter(settings),
        other_filters=state.other_filters(settings),
    )


def plan_groups(
    states: Iterable[LogGroupState],
    rules: RuleSet,
    settings: PlanSettings,
    current_policy: AccountPolicyPlan | None = None,
) -> Plan:
    """Plan every group; in account mode also the account policy, unless `current_policy` already is it."""
    groups = tuple(plan_group(state, rules, settings) for state in states)
    if not settings.account_policy:
        return Plan(groups=groups)
    wanted = account_policy_plan(settings)
    if wanted == current_policy:
        return Plan(groups=groups, account_policy_reason="account-level subscription policy up to date")
    why = "create" if current_policy is None else "update"
    return Plan(groups=groups, account_policy=wanted, account_policy_reason=f"{why} account-level policy")


def plan_retention(state: LogGroupState, rule: Rule | None) -> Action:
    name, current = state.name, state.retention_days
    if rule is None:
        return Action(ActionKind.KEEP, name, "no rule matches: retention left alone")
    wanted = rule.retention_days
    if wanted is None:
        return Action(ActionKind.KEEP, name, f"rule {rule.name!r} sets no retention")
    if current == wanted:
        return Action(ActionKind.KEEP, name, f"retention already {wanted} days")
    if current is None:
        reason = f"never expires; rule {rule.name!r} sets {wanted} days"
        return Action(ActionKind.SET_RETENTION, name, reason, retention_days=wanted)
    longer = "longer" if current > wanted else "shorter"
    if rule.enforce:
        reason = f"retention {current} days is {longer} than {wanted}; rule {rule.name!r} enforces {wanted}"
        return Action(ActionKind.SET_RETENTION, name, reason, retention_days=wanted)
    reason = f"retention {current} days already set ({longer} than {wanted}); rule {rule.name!r} does not enforce"
    return Action(ActionKind.SKIP, name, reason)


def plan_subscription(state: LogGroupState, rule: Rule | None, settings: PlanSettings) -> Action:
    name, ours = state.name, state.own_filter(settings)
    if name in settings.never_subscribe():
        if ours is not None:
            return Action(ActionKind.UNSUBSCRIBE, name, "loglake's own log group: remove our filter, it loops")
        why = "the parser's own log group" if name == settings.parser_log_group else "loglake's own log group"
        return Action(ActionKind.SKIP, name, f"{why}: never subscribed, it would loop")
    if settings.account_policy:
        if ours is not None:
            return Action(ActionKind.UNSUBSCRIBE, name, "account-level policy delivers: drop duplicate filter")
        return Action(ActionKind.KEEP, name, "delivered by the account-level subscription policy")
    if rule is None or not rule.subscribe:
        why = "no rule matches" if rule is None else f"rule {rule.name!r} does not subscribe"
        if ours is not None:
            return Action(ActionKind.UNSUBSCRIBE, name, f"{why}: remove our filter")
        return Action(ActionKind.KEEP, name, f"{why}: not subscribed")
    return _plan_wanted_subscription(state, rule, settings)


def _plan_wanted_subscription(state: LogGroupState, rule: Rule, settings: PlanSettings) -> Action:
    name, ours, pattern = state.name, state.own_filter(settings), rule.filter_pattern
    if state.log_group_class == INFREQUENT_ACCESS:
        return Action(ActionKind.SKIP, name, "Infrequent Access log class supports no subscription filters")
    if ours is not None:
        if ours.filter_pattern == pattern:
            return Action(ActionKind.KEEP, name, "already subscribed to the parser")
        reason = f"our filter {ours.name!r} has another pattern: update it in place"
        return Action(ActionKind.SUBSCRIBE, name, reason, filter_pattern=pattern)
    others = state.other_filters(settings)
    same_destination = [f.name for f in others if f.destination_arn == settings.parser_arn]
    if same_destination:
        reason = f"already delivered to the parser by filter {same_destination[0]!r} (not ours): not adding another"
        return Action(ActionKind.KEEP, name, reason)
    squatter = next((f for f in others if f.name == settings.filter_name), None)
    if squatter is not None:
        reason = (
            f"filter {squatter.name!r} delivers to {squatter.destination_arn}, not our parser: not ours, left alone"
        )
        return Action(ActionKind.SKIP, name, reason)
    if len(others) >= SUBSCRIPTION_FILTER_QUOTA:
        names = ", ".join(repr(f.name) for f in others)
        quota = SUBSCRIPTION_FILTER_QUOTA
        reason = f"no room: at the quota of {quota} subscription filters ({names}, not ours): left alone"
        return Action(ActionKind.SKIP, name, reason)
    return Action(ActionKind.SUBSCRIBE, name, f"rule {rule.name!r} subscribes it", filter_pattern=pattern)


def account_policy_plan(settings: PlanSettings) -> AccountPolicyPlan:
    document = json.dumps({"DestinationArn": settings.parser_arn, "FilterPattern": ""}, sort_keys=True)
    excluded = ", ".join(json.dumps(name) for name in sorted(settings.never_subscribe()))
    return AccountPolicyPlan(
        policy_name=settings.filter_name,
        policy_document=document,
        selection_criteria=f"LogGroupName NOT IN [{excluded}]",
    )
