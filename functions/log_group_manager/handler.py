"""Lambda entry point of the log group manager: wiring only.

Triggers: the EventBridge rule on CloudTrail `CreateLogGroup` (manage that one group now) and a daily
schedule (reconcile every group, so drift is caught even without CloudTrail). Settings, rules and the
client are built once per cold start; invalid rules make every invocation fail, naming the line.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from functions.log_group_manager.events import Ignored, NewLogGroup, decode
from functions.log_group_manager.observe import (
    EVENTS_IGNORED,
    RULES_INVALID,
    log_group_result,
    log_read_failure,
    record_summary,
)
from functions.log_group_manager.settings import Settings
from subscription.apply import (
    Summary,
    apply_plan,
    current_account_policy,
    logs_client,
    manage_new_group,
    put_account_policy,
    read_rules_parameter,
    read_states,
    ssm_client,
    summarize,
)
from subscription.plan import AccountPolicyPlan, LogGroupState, plan_groups
from subscription.rules import RuleSet
from subscription.rules_loader import RulesError, load_rules_file

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

logger = Logger(service="loglake-log-group-manager")
metrics = Metrics(namespace="loglake", service="log-group-manager")


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    rules: RuleSet
    logs: CloudWatchLogsClient


@functools.cache
def runtime() -> Runtime:
    """Built on the first invocation of an execution environment (an exception is not cached)."""
    settings = Settings.from_env(os.environ)
    if settings.rules_ssm_parameter:
        rules = read_rules_parameter(ssm_client(settings.region), settings.rules_ssm_parameter)
    else:
        rules = load_rules_file()
    return Runtime(settings=settings, rules=rules, logs=logs_client(settings.region))


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        rt = runtime()
    except RulesError as err:
        logger.error("invalid rules: refusing to start", extra={"error": str(err), "line": err.line})
        metrics.add_metric(name=RULES_INVALID, unit=MetricUnit.Count, value=1)
        raise
    trigger = decode(event)
    if isinstance(trigger, Ignored):
        logger.info("event ignored", extra={"reason": trigger.reason})
        metrics.add_metric(name=EVENTS_IGNORED, unit=MetricUnit.Count, value=1)
        return {"ignored": trigger.reason}
    if isinstance(trigger, NewLogGroup):
        return on_new_group(rt, trigger)
    return reconcile(rt)


def on_new_group(rt: Runtime, trigger: NewLogGroup) -> dict[str, Any]:
    hint = LogGroupState(name=trigger.name, log_group_class=trigger.log_group_class, tags=trigger.tags)
    result = manage_new_group(rt.logs, trigger.name, rt.rules, rt.settings.plan_settings(), hint=hint)
    if result is None:
        logger.info("log group deleted before we acted", extra={"log_group": trigger.name, "status": "gone"})
        record_summary(metrics, Summary(seen=1, gone=1))
        return {"log_group": trigger.name, "status": "gone"}
    log_group_result(logger, result)
    record_summary(metrics, summarize([result]))
    return {"log_group": trigger.name, "status": result.status.value, "rule": result.plan.rule}


def reconcile(rt: Runtime) -> dict[str, Any]:
    read = read_states(rt.logs)
    for failure in read.failures:
        log_read_failure(logger, failure)
    plan = plan_groups(read.states, rt.rules, rt.settings.plan_settings(), _current_policy(rt))
    policy_error = put_account_policy(rt.logs, plan.account_policy) if plan.account_policy else None
    if plan.account_policy is not None:
        level = logger.error if policy_error else logger.info
        level(plan.account_policy_reason, extra={"status": "failed" if policy_error else "applied"})
    results = apply_plan(rt.logs, plan, rt.settings.plan_settings(), lambda r: log_group_result(logger, r))
    summary = summarize(results, read.failures)
    record_summary(metrics, summary)
    return {**summary.as_dict(), "account_policy_error": policy_error}


def _current_policy(rt: Runtime) -> AccountPolicyPlan | None:
    if not rt.settings.account_policy:
        return None
    try:
        return current_account_policy(rt.logs, rt.settings.plan_settings().filter_name)
    except (ClientError, BotoCoreError) as err:  # unreadable: put it again, which is idempotent
        logger.warning("account policy could not be read", extra={"error": str(err)})
        return None
