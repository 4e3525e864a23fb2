"""The retention proposal after a backfill: coverage, the rule's retention, and the saving worked out by hand."""

from __future__ import annotations

import pytest

from subscription.retention_savings import (
    DAY_MS,
    GB,
    BackfillRecord,
    GroupFacts,
    propose,
)
from subscription.rules import MatchKind, NameMatcher, Rule, RuleSet

NOW = 1_796_000_000_000
CREATED = NOW - 300 * DAY_MS
LIVE = NOW - 2 * DAY_MS
RULES = RuleSet(
    (
        Rule("lambda", NameMatcher(MatchKind.PREFIX, "/aws/lambda/"), retention_days=30, subscribe=True),
        Rule("rest", NameMatcher(MatchKind.GLOB, "*")),
    )
)


def facts(name: str = "/aws/lambda/orders", **changes: object) -> GroupFacts:
    base: dict[str, object] = {
        "name": name,
        "stored_bytes": 10 * GB,
        "created_ms": CREATED,
        "retention_days": None,
        "live_since_ms": LIVE,
    }
    base.update(changes)
    return GroupFacts(**base)  # type: ignore[arg-type]


FULL = BackfillRecord(start_ms=CREATED - 14 * DAY_MS, end_ms=LIVE + 2 * 3_600_000, ingested_before=LIVE, complete=True)


def test_a_covered_group_that_never_expires_gets_the_rules_retention_and_its_saving() -> None:
    # Given 10 GB held over 300 days, never expiring, fully backfilled up to its live subscription
    [proposal] = propose([facts()], {"/aws/lambda/orders": FULL}, RULES, NOW, price=0.03)
    # Then 30 days are proposed: 270/300 of 10 GB go, at $0.03 per GB-month = $0.27 a month
    assert proposal.covered and proposal.proposed_days == 30 and proposal.rule == "lambda"
    assert proposal.saved_bytes == pytest.approx(9 * GB)
    assert proposal.saved_usd_month == pytest.approx(0.27)


def test_a_group_with_a_retention_is_priced_over_the_days_it_holds() -> None:
    # Given 10 GB held under a 90-day retention (the group is older): 60 of the 90 days go
    [proposal] = propose([facts(retention_days=90)], {"/aws/lambda/orders": FULL}, RULES, NOW, price=0.05)
    assert proposal.proposed_days == 30
    assert proposal.saved_usd_month == pytest.approx(10 * 60 / 90 * 0.05)


@pytest.mark.parametrize(
    ("changes", "record", "why"),
    [
        ({}, None, "not backfilled"),
        ({}, BackfillRecord(FULL.start_ms, FULL.end_ms, LIVE, complete=False), "not finished"),
        ({"live_since_ms": None}, FULL, "no loglake subscription"),
        ({"live_since_ms": LIVE + DAY_MS}, FULL, "changed since the backfill"),
        ({}, BackfillRecord(FULL.start_ms, LIVE, LIVE, complete=True), "before the live boundary"),
        ({}, BackfillRecord(NOW - 100 * DAY_MS, FULL.end_ms, LIVE, complete=True), "oldest events"),
    ],
)
def test_a_group_the_lake_does_not_fully_hold_keeps_its_retention(
    changes: dict[str, object], record: BackfillRecord | None, why: str
) -> None:
    records = {} if record is None else {"/aws/lambda/orders": record}
    [proposal] = propose([facts(**changes)], records, RULES, NOW)
    assert not proposal.covered and not proposal.changes and why in proposal.reason
    assert proposal.saved_usd_month == 0


def test_a_backfill_that_starts_within_the_retention_covers_a_group_whose_older_events_are_gone() -> None:
    record = BackfillRecord(NOW - 100 * DAY_MS, FULL.end_ms, LIVE, complete=True)
    [proposal] = propose([facts(retention_days=90)], {"/aws/lambda/orders": record}, RULES, NOW)
    assert proposal.covered and proposal.proposed_days == 30


def test_no_shorter_retention_no_proposal() -> None:
    got = propose(
        [facts(retention_days=14), facts("/ecs/web")],
        {"/aws/lambda/orders": FULL, "/ecs/web": FULL},
        RULES,
        NOW,
    )
    assert [(p.covered, p.changes) for p in got] == [(True, False), (True, False)]
    assert "already 14 days" in got[0].reason and "no rule sets a retention" in got[1].reason
