"""After a backfill: which log groups the lake fully covers, the shorter retention the rules propose for
them, and what it saves in CloudWatch Logs storage each month. Pure: facts in, proposals out.

A group is covered when its backfill finished, reached the live boundary, started no later than the
oldest event CloudWatch can still hold for it, and the subscription filter that delivers the rest is
the one the backfill stopped at (a filter recreated since may have left a gap). For a covered group the
rule's `retention_days` is proposed even when the rule does not enforce it: the lake keeps the history,
CloudWatch no longer has to.

Saving = stored bytes * (1 - proposed days / days held now) * price per GB-month: it assumes the group
ingested at an even rate over the days it holds (its age, or its retention when shorter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from functions.sinks.keys import DAY_MS, HOUR_MS
from subscription.rules import RuleSet

# Fact (dated): CloudWatch Logs storage ("Store (Archival)", Standard log class) is USD 0.03 per GB-month
# in us-east-1 on the AWS CloudWatch pricing page (aws.amazon.com/cloudwatch/pricing/), as quoted in
# June 2026 by third-party cost guides and used by infracost; some Regions charge more (ap-northeast-1:
# USD 0.033). Checked 2026-12-01. A GB here is 2^30 bytes, the unit of AWS bills. Pass your Region's
# price with --storage-price.
STORAGE_USD_PER_GB_MONTH = 0.03
STORAGE_PRICE_AS_OF = "2026-06 (us-east-1, Standard log class)"
GB = 2**30
PAST_TOLERANCE_MS = 14 * DAY_MS  # events can be up to 14 days older than the group that holds them
FUTURE_TOLERANCE_MS = 2 * HOUR_MS  # and up to 2 hours ahead of their ingestion


@dataclass(frozen=True)
class GroupFacts:
    """What DescribeLogGroups and DescribeSubscriptionFilters say about one group."""

    name: str
    stored_bytes: int
    created_ms: int
    retention_days: int | None  # None: never expires
    live_since_ms: int | None  # creation time of the loglake subscription filter; None: not subscribed
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class BackfillRecord:
    """What the lake's backfill checkpoint says about one group."""

    start_ms: int
    end_ms: int
    ingested_before: int | None
    complete: bool


@dataclass(frozen=True)
class Proposal:
    log_group: str
    covered: bool
    reason: str
    rule: str | None = None
    current_days: int | None = None
    proposed_days: int | None = None
    stored_bytes: int = 0
    saved_bytes: float = 0.0
    saved_usd_month: float = 0.0

    @property
    def changes(self) -> bool:
        return self.covered and self.proposed_days is not None


def coverage(facts: GroupFacts, record: BackfillRecord | None, now_ms: int) -> tuple[bool, str]:
    """Whether the lake holds every event of the group CloudWatch holds, and why (not)."""
    if record is None:
        return False, "not backfilled"
    if not record.complete:
        return False, "backfill not finished: run it again"
    if facts.live_since_ms is None:
        return False, "no loglake subscription: the lake stops where the backfill did"
    if record.ingested_before != facts.live_since_ms:
        return False, "the subscription filter changed since the backfill: backfill again"
    if record.end_ms < record.ingested_before + FUTURE_TOLERANCE_MS:
        return False, "the backfill stopped before the live boundary (--until)"
    oldest = facts.created_ms - PAST_TOLERANCE_MS
    if facts.retention_days is not None:
        oldest = max(oldest, now_ms - facts.retention_days * DAY_MS)
    if record.start_ms > oldest:
        return False, "the backfill started after the oldest events CloudWatch holds (--since)"
    return True, "the lake holds all of it"


def days_held(facts: GroupFacts, now_ms: int) -> float:
    """Days of events the group holds now: its age, or its retention when shorter (at least one)."""
    age = max(1.0, (now_ms - facts.created_ms) / DAY_MS)
    return age if facts.retention_days is None else min(age, float(facts.retention_days))


def monthly_saving(stored_bytes: int, held_days: float, proposed_days: int, price: float) -> tuple[float, float]:
    """(bytes no longer stored, USD per month) when `held_days` of events shrink to `proposed_days`."""
    if proposed_days >= held_days:
        return 0.0, 0.0
    saved = stored_bytes * (1 - proposed_days / held_days)
    return saved, saved / GB * price


def propose(
    groups: list[GroupFacts],
    records: Mapping[str, BackfillRecord],
    rules: RuleSet,
    now_ms: int,
    price: float = STORAGE_USD_PER_GB_MONTH,
) -> list[Proposal]:
    return [_propose(g, records.get(g.name), rules, now_ms, price) for g in groups]


def _propose(facts: GroupFacts, record: BackfillRecord | None, rules: RuleSet, now_ms: int, price: float) -> Proposal:
    base = Proposal(facts.name, False, "", current_days=facts.retention_days, stored_bytes=facts.stored_bytes)
    covered, why = coverage(facts, record, now_ms)
    if not covered:
        return _with(base, covered=False, reason=why)
    rule = rules.first_match(facts.name, facts.tags)
    wanted = None if rule is None else rule.retention_days
    if rule is None or wanted is None:
        return _with(
            base, covered=True, reason="covered; no rule sets a retention", rule=None if rule is None else rule.name
        )
    current = facts.retention_days
    if current is not None and current <= wanted:
        return _with(base, covered=True, reason=f"covered; retention already {current} days", rule=rule.name)
    saved_bytes, usd = monthly_saving(facts.stored_bytes, days_held(facts, now_ms), wanted, price)
    reason = f"covered; rule {rule.name!r} sets {wanted} days"
    return Proposal(facts.name, True, reason, rule.name, current, wanted, facts.stored_bytes, saved_bytes, usd)


def _with(base: Proposal, *, covered: bool, reason: str, rule: str | None = None) -> Proposal:
    return Proposal(base.log_group, covered, reason, rule, base.current_days, None, base.stored_bytes)
