"""The AWS edge of the log group manager: read log group state, carry out a plan, one group at a time.

The only module of `subscription` that imports boto3. Clients retry in botocore's adaptive mode
(throttling is absorbed by client-side rate limiting); an error that survives the retries fails that
group only, and a group deleted before we act is reported as gone, not as a failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from subscription.plan import (
    AccountPolicyPlan,
    Action,
    ActionKind,
    GroupPlan,
    LogGroupState,
    Plan,
    PlanSettings,
    SubscriptionFilterState,
    plan_group,
)
from subscription.rules import RuleSet
from subscription.rules_loader import parse_rules

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_ssm import SSMClient

RETRY_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10})
NOT_FOUND = "ResourceNotFoundException"
POLICY_TYPE: Final = "SUBSCRIPTION_FILTER_POLICY"


def logs_client(region: str | None = None, endpoint_url: str | None = None) -> CloudWatchLogsClient:
    return boto3.client("logs", region_name=region, endpoint_url=endpoint_url, config=RETRY_CONFIG)


def ssm_client(region: str | None = None, endpoint_url: str | None = None) -> SSMClient:
    return boto3.client("ssm", region_name=region, endpoint_url=endpoint_url, config=RETRY_CONFIG)


def read_rules_parameter(ssm: SSMClient, name: str) -> RuleSet:
    """The rules document kept in an SSM parameter (String or SecureString); RulesError names its line."""
    value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"].get("Value", "")
    return parse_rules(value, source=f"ssm:{name}")


class Status(StrEnum):
    APPLIED = "applied"
    GONE = "gone"  # the group was deleted before we acted: not an error
    FAILED = "failed"
    NOT_CHANGED = "not-changed"  # a keep / skip action: nothing to call


@dataclass(frozen=True)
class ActionResult:
    action: Action
    status: Status
    error: str | None = None


@dataclass(frozen=True)
class GroupResult:
    plan: GroupPlan
    results: tuple[ActionResult, ...]

    @property
    def status(self) -> Status:
        statuses = {r.status for r in self.results}
        for status in (Status.FAILED, Status.GONE, Status.APPLIED):
            if status in statuses:
                return status
        return Status.NOT_CHANGED


@dataclass(frozen=True)
class ReadFailure:
    log_group: str
    error: str


@dataclass(frozen=True)
class ReadResult:
    states: tuple[LogGroupState, ...]
    failures: tuple[ReadFailure, ...] = ()


def error_text(err: ClientError | BotoCoreError) -> str:
    if isinstance(err, ClientError):
        info = err.response.get("Error", {})
        return f"{info.get('Code', 'Unknown')}: {info.get('Message', str(err))}"
    return f"{type(err).__name__}: {err}"


def is_not_found(err: ClientError | BotoCoreError) -> bool:
    return isinstance(err, ClientError) and err.response.get("Error", {}).get("Code") == NOT_FOUND


def read_states(client: CloudWatchLogsClient, prefix: str | None = None) -> ReadResult:
    """Every log group (optionally by name prefix) with its tags and subscription filters."""
    states: list[LogGroupState] = []
    failures: list[ReadFailure] = []
    for raw in _describe_pages(client, prefix):
        try:
            state = _state_of(client, raw)
        except (ClientError, BotoCoreError) as err:
            if not is_not_found(err):
                failures.append(ReadFailure(raw["logGroupName"], error_text(err)))
            continue  # deleted while we were listing: nothing to manage
        states.append(state)
    return ReadResult(states=tuple(states), failures=tuple(failures))


def describe_group(client: CloudWatchLogsClient, name: str) -> LogGroupState | None:
    """One group's state, or None when it no longer exists."""
    for raw in _describe_pages(client, name):
        if raw["logGroupName"] == name:
            try:
                return _state_of(client, raw)
            except ClientError as err:
                if is_not_found(err):
                    return None
                raise
    return None


def _describe_pages(client: CloudWatchLogsClient, prefix: str | None) -> Iterator[Mapping[str, Any]]:
    paginator = client.get_paginator("describe_log_groups")
    pages = paginator.paginate(logGroupNamePrefix=prefix) if prefix else paginator.paginate()
    for page in pages:
        yield from page.get("logGroups", [])


def _state_of(client: CloudWatchLogsClient, raw: Mapping[str, Any]) -> LogGroupState:
    name: str = raw["logGroupName"]
    arn: str = raw.get("logGroupArn") or str(raw.get("arn", "")).removesuffix(":*")
    tags = client.list_tags_for_resource(resourceArn=arn).get("tags", {})
    filters = []
    for page in client.get_paginator("describe_subscription_filters").paginate(logGroupName=name):
        for item in page.get("subscriptionFilters", []):
            filters.append(
                SubscriptionFilterState(
                    name=item.get("filterName", ""),
                    destination_arn=item.get("destinationArn", ""),
                    filter_pattern=item.get("filterPattern", ""),
                )
            )
    return LogGroupState(
        name=name,
        retention_days=raw.get("retentionInDays"),
        log_group_class=raw.get("logGroupClass"),
        tags=dict(tags),
        filters=tuple(filters),
    )


def apply_group(client: CloudWatchLogsClient, plan: GroupPlan, settings: PlanSettings) -> GroupResult:
    """Carry out one group's changes; an error fails this group only, a vanished group is `gone`."""
    results: list[ActionResult] = []
    for action in plan.actions:
        if not action.changes_state:
            results.append(ActionResult(action, Status.NOT_CHANGED))
        elif any(r.status is Status.GONE for r in results):
            results.append(ActionResult(action, Status.GONE, "log group no longer exists"))
        else:
            results.append(_carry_out(client, action, settings))
    return GroupResult(plan=plan, results=tuple(results))


def _carry_out(client: CloudWatchLogsClient, action: Action, settings: PlanSettings) -> ActionResult:
    try:
        if action.kind is ActionKind.SET_RETENTION and action.retention_days is not None:
            client.put_retention_policy(logGroupName=action.log_group, retentionInDays=action.retention_days)
        elif action.kind is ActionKind.SUBSCRIBE:
            client.put_subscription_filter(
                logGroupName=action.log_group,
                filterName=settings.filter_name,
                filterPattern=action.filter_pattern,
                destinationArn=settings.parser_arn,
            )
        elif action.kind is ActionKind.UNSUBSCRIBE:
            client.delete_subscription_filter(logGroupName=action.log_group, filterName=settings.filter_name)
    except (ClientError, BotoCoreError) as err:
        if is_not_found(err):
            return ActionResult(action, Status.GONE, "log group no longer exists")
        return ActionResult(action, Status.FAILED, error_text(err))
    return ActionResult(action, Status.APPLIED)


def apply_plan(
    client: CloudWatchLogsClient,
    plan: Plan,
    settings: PlanSettings,
    on_result: Callable[[GroupResult], None] | None = None,
) -> tuple[GroupResult, ...]:
    """Apply every group's plan in order; `on_result` is called after each group (progress, logging)."""
    results = []
    for group_plan in plan.groups:
        result = apply_group(client, group_plan, settings)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return tuple(results)


def manage_new_group(
    client: CloudWatchLogsClient,
    name: str,
    rules: RuleSet,
    settings: PlanSettings,
    hint: LogGroupState | None = None,
) -> GroupResult | None:
    """Plan and apply one (new) group; None when it was deleted before we could read it.

    `hint` carries what the CreateLogGroup event said (class, tags); the live state wins where it has a value.
    """
    state = describe_group(client, name)
    if state is None:
        return None
    if hint is not None:
        state = replace(
            state,
            log_group_class=state.log_group_class or hint.log_group_class,
            tags={**hint.tags, **state.tags},
        )
    return apply_group(client, plan_group(state, rules, settings), settings)


def current_account_policy(client: CloudWatchLogsClient, name: str) -> AccountPolicyPlan | None:
    response = client.describe_account_policies(policyType=POLICY_TYPE, policyName=name)
    for policy in response.get("accountPolicies", []):
        if policy.get("policyName") == name:
            document = json.dumps(json.loads(policy.get("policyDocument") or "{}"), sort_keys=True)
            criteria = policy.get("selectionCriteria", "")
            return AccountPolicyPlan(policy_name=name, policy_document=document, selection_criteria=criteria)
    return None


def put_account_policy(client: CloudWatchLogsClient, policy: AccountPolicyPlan) -> str | None:
    """Create or update the account-level subscription filter policy; returns an error text or None."""
    try:
        client.put_account_policy(
            policyName=policy.policy_name,
            policyDocument=policy.policy_document,
            policyType=POLICY_TYPE,
            scope="ALL",
            selectionCriteria=policy.selection_criteria,
        )
    except (ClientError, BotoCoreError) as err:
        return error_text(err)
    return None


@dataclass(frozen=True)
class Summary:
    """Counts for the CLI's closing line and the EMF metrics."""

    seen: int = 0
    retention_set: int = 0
    subscribed: int = 0
    unsubscribed: int = 0
    skipped: int = 0
    failed: int = 0
    gone: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def summarize(results: Iterable[GroupResult], read_failures: Iterable[ReadFailure] = ()) -> Summary:
    counts = dict.fromkeys(Summary().as_dict(), 0)
    applied = {ActionKind.SET_RETENTION: "retention_set", ActionKind.SUBSCRIBE: "subscribed"}
    applied[ActionKind.UNSUBSCRIBE] = "unsubscribed"
    for result in results:
        counts["seen"] += 1
        counts["skipped"] += any(a.kind is ActionKind.SKIP for a in result.plan.actions)
        counts["failed"] += result.status is Status.FAILED
        counts["gone"] += result.status is Status.GONE
        for item in result.results:
            if item.status is Status.APPLIED and item.action.kind in applied:
                counts[applied[item.action.kind]] += 1
    failures = list(read_failures)
    counts["seen"] += len(failures)
    counts["failed"] += len(failures)
    return Summary(**counts)
