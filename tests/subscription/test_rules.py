from __future__ import annotations

import pytest

from subscription.rules import (
    ALLOWED_RETENTION_DAYS,
    MatchKind,
    NameMatcher,
    Rule,
    RuleSet,
    validate_retention_days,
)


def rule(name: str, kind: MatchKind, pattern: str, **kwargs: object) -> Rule:
    return Rule(name=name, matcher=NameMatcher(kind, pattern), **kwargs)  # type: ignore[arg-type]


def test_every_documented_retention_is_allowed_and_nothing_else() -> None:
    # Given the retention values CloudWatch Logs accepts
    # When each is validated, and some near misses too
    # Then the allowed ones pass through and the others are refused
    assert [validate_retention_days(d) for d in ALLOWED_RETENTION_DAYS] == list(ALLOWED_RETENTION_DAYS)
    for bad in (0, 2, 31, 366, 3654, -1):
        with pytest.raises(ValueError, match="not allowed"):
            validate_retention_days(bad)


def test_a_rule_with_a_disallowed_retention_cannot_exist() -> None:
    with pytest.raises(ValueError, match="retention_days 31 is not allowed"):
        rule("bad", MatchKind.PREFIX, "/aws/", retention_days=31)


@pytest.mark.parametrize(
    ("kind", "pattern", "name", "expected"),
    [
        (MatchKind.PREFIX, "/aws/lambda/", "/aws/lambda/orders", True),
        (MatchKind.PREFIX, "/aws/lambda/", "/aws/lambdaX", False),
        (MatchKind.GLOB, "/aws/*/prod-*", "/aws/lambda/prod-orders", True),
        (MatchKind.GLOB, "/aws/*/prod-*", "/aws/lambda/Prod-orders", False),  # case-sensitive
        (MatchKind.GLOB, "API-Gateway-Execution-Logs_*/prod", "API-Gateway-Execution-Logs_a1b2c3/prod", True),
        (MatchKind.REGEX, r"/aws/lambda/[a-z]+\.v2", "/aws/lambda/orders.v2", True),
        (MatchKind.REGEX, r"/aws/lambda/[a-z]+\.v2", "/aws/lambda/ordersXv2", False),  # dot is escaped
        (MatchKind.REGEX, r"/aws/lambda/[a-z]+", "/aws/lambda/orders-extra", False),  # full match only
        (MatchKind.PREFIX, "/weird/#1.", "/weird/#1._-/x", True),  # characters allowed in group names
    ],
)
def test_name_matchers(kind: MatchKind, pattern: str, name: str, expected: bool) -> None:
    # Given a matcher, When a name is tested, Then the answer follows the matcher kind's semantics
    assert NameMatcher(kind, pattern).matches(name) is expected


def test_a_regex_that_does_not_compile_is_refused() -> None:
    with pytest.raises(ValueError, match="does not compile"):
        NameMatcher(MatchKind.REGEX, "(unclosed")


def test_tags_must_all_match_and_star_means_any_value() -> None:
    # Given a rule that wants team=payments and any env
    tagged = rule("tagged", MatchKind.GLOB, "*", tags=(("team", "payments"), ("env", "*")))
    # Then all tags are needed, the star only asks for the key
    assert tagged.matches("/x", {"team": "payments", "env": "prod"})
    assert not tagged.matches("/x", {"team": "payments"})
    assert not tagged.matches("/x", {"team": "orders", "env": "prod"})


def test_first_matching_rule_wins() -> None:
    # Given a specific rule before a general one
    rules = RuleSet(
        rules=(
            rule("own", MatchKind.PREFIX, "/aws/lambda/loglake-"),
            rule("lambda", MatchKind.PREFIX, "/aws/lambda/"),
        )
    )
    # When groups are matched, Then the first rule that matches decides
    assert rules.first_match("/aws/lambda/loglake-parser", {}).name == "own"  # type: ignore[union-attr]
    assert rules.first_match("/aws/lambda/orders", {}).name == "lambda"  # type: ignore[union-attr]
    assert rules.first_match("/ecs/orders", {}) is None


def test_rule_names_are_unique() -> None:
    with pytest.raises(ValueError, match="two rules are named 'a'"):
        RuleSet(rules=(rule("a", MatchKind.PREFIX, "/x"), rule("a", MatchKind.PREFIX, "/y")))
