"""Log group rules as pure data: which groups a rule matches and what it wants for them.

A rule matches a log group by name (a prefix, a shell-style glob or a regular expression, exactly one)
and optionally by tags; the first rule of a `RuleSet` that matches wins. Validation lives in the
constructors so an invalid rule can never exist; the YAML loader turns these errors into messages
that name the line.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ALLOWED_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

ANY_VALUE = "*"
"""A rule tag whose value is `*` only asks for the key to be present."""


class MatchKind(StrEnum):
    PREFIX = "prefix"
    GLOB = "glob"
    REGEX = "regex"


def validate_retention_days(days: int) -> int:
    """Return `days` when CloudWatch Logs accepts it as a retention, else raise ValueError."""
    if isinstance(days, bool) or not isinstance(days, int) or days not in ALLOWED_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in ALLOWED_RETENTION_DAYS)
        raise ValueError(f"retention_days {days!r} is not allowed; use one of {allowed}")
    return days


@dataclass(frozen=True)
class NameMatcher:
    """Matches a log group name: `prefix` by str.startswith, `glob` by fnmatch (case-sensitive),
    `regex` by re.fullmatch (the whole name must match)."""

    kind: MatchKind
    pattern: str

    def __post_init__(self) -> None:
        if not self.pattern:
            raise ValueError(f"{self.kind.value} must not be empty")
        if self.kind is MatchKind.REGEX:
            try:
                re.compile(self.pattern)
            except re.error as err:
                raise ValueError(f"regex {self.pattern!r} does not compile: {err}") from err

    def matches(self, name: str) -> bool:
        if self.kind is MatchKind.PREFIX:
            return name.startswith(self.pattern)
        if self.kind is MatchKind.GLOB:
            return fnmatch.fnmatchcase(name, self.pattern)
        return re.fullmatch(self.pattern, name) is not None


@dataclass(frozen=True)
class Rule:
    """What loglake wants for the log groups a rule matches.

    `retention_days` None leaves retention alone; `enforce` False keeps a retention someone already set
    (a group that never expires is always given the rule's retention); `subscribe` asks for a
    subscription filter to the parser with `filter_pattern` ("" sends every event).
    """

    name: str
    matcher: NameMatcher
    tags: tuple[tuple[str, str], ...] = ()
    retention_days: int | None = None
    subscribe: bool = False
    filter_pattern: str = ""
    enforce: bool = False

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("rule name must not be empty")
        if self.retention_days is not None:
            validate_retention_days(self.retention_days)

    def matches(self, group_name: str, group_tags: Mapping[str, str]) -> bool:
        if not self.matcher.matches(group_name):
            return False
        for key, wanted in self.tags:
            if key not in group_tags or wanted not in (ANY_VALUE, group_tags[key]):
                return False
        return True


@dataclass(frozen=True)
class RuleSet:
    """An ordered list of rules: the first one that matches a group decides for it."""

    rules: tuple[Rule, ...]
    source: str = field(default="<rules>", compare=False)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"two rules are named {rule.name!r}")
            seen.add(rule.name)

    def first_match(self, group_name: str, group_tags: Mapping[str, str]) -> Rule | None:
        return next((rule for rule in self.rules if rule.matches(group_name, group_tags)), None)
