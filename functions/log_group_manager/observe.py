"""One structured log line per action, and the EMF metrics of a run."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from subscription.apply import GroupResult, ReadFailure, Status, Summary

METRIC_NAMES = {
    "seen": "GroupsSeen",
    "retention_set": "RetentionSet",
    "subscribed": "Subscribed",
    "unsubscribed": "Unsubscribed",
    "skipped": "Skipped",
    "failed": "Failed",
    "gone": "Gone",
}
RULES_INVALID = "RulesInvalid"  # the rules file could not be read: the run refused to start
EVENTS_IGNORED = "EventsIgnored"  # a trigger event that names no log group to act on
# every metric the manager emits (the stack's alarms may name only these)
MANAGER_METRICS = frozenset({*METRIC_NAMES.values(), RULES_INVALID, EVENTS_IGNORED})


def log_group_result(logger: Logger, result: GroupResult) -> None:
    """Log every action of one group (kept, skipped, applied, failed) as its own JSON line."""
    for item in result.results:
        fields = {
            "log_group": item.action.log_group,
            "action": item.action.kind.value,
            "status": item.status.value,
            "reason": item.action.reason,
            "rule": result.plan.rule,
            "retention_days": item.action.retention_days,
            "error": item.error,
        }
        if item.status is Status.FAILED:
            logger.error("log group action failed", extra=fields)
        else:
            logger.info("log group action", extra=fields)


def log_read_failure(logger: Logger, failure: ReadFailure) -> None:
    logger.error(
        "log group could not be read",
        extra={"log_group": failure.log_group, "status": Status.FAILED.value, "error": failure.error},
    )


def record_summary(metrics: Metrics, summary: Summary) -> None:
    for key, value in summary.as_dict().items():
        metrics.add_metric(name=METRIC_NAMES[key], unit=MetricUnit.Count, value=value)
