"""Redaction: secrets and personal data replaced before anything is stored or indexed. Pure.

Rules run column-at-a-time over the free-text columns (`message`, `raw`, `attributes`,
`error_message`, `stack_trace`), in two kinds:

- the secret families (`aws_keys`, `secrets`, `tokens`, `private_keys`: see `redact_text.py`) share
  one pre-check: a single RE2 scan (Arrow compute) of each row's five columns joined and lowered, for
  the substrings any of them needs (`pass`, `secret`, `token`, `auth`, `akia`, `eyj`, `-----begin`,
  `://…:…@`, an escaped letter…), then the case-insensitive trigger over the values of those rows.
  Only the values that hold one go to Python, where JSON is redacted as parsed JSON (`redact_json.py`)
  and other text by patterns that keep quotes and escapes intact;
- `emails`, `cards` (13-19 digits, spaces or dashes allowed, Luhn checked) and user patterns (RE2) are
  rewritten by Arrow, each after a fast scan for a looser pattern.

Each replaced value counts once. `raw` is then no longer byte-for-byte the event: that is the point.
A user pattern is applied to the text as it is; one that matches across a quote can leave JSON that no
longer parses (the views read such rows as NULL fields).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from functions.parser.redact_json import scrub
from functions.parser.redact_text import (
    AWS_KEYS,
    FAMILIES,
    PRIVATE_KEYS,
    REDACTED,
    SECRETS,
    TOKENS,
    TRIGGERS,
    prefilter,
    trigger,
)

Strings: TypeAlias = Any  # a pa.StringArray; the stubs' compute overloads don't cover it
COLUMNS = ("message", "raw", "attributes", "error_message", "stack_trace")
DEFAULT_RULES = (AWS_KEYS, SECRETS, TOKENS, PRIVATE_KEYS)
ALIASES = {"bearer": TOKENS}  # the name `tokens` had before it covered more than bearer tokens
__all__ = ["BUILTINS", "DEFAULT_RULES", "REDACTED", "RedactionError", "Redactor", "Rule", "luhn_ok"]


class RedactionError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    # RE2, matched case-insensitively: every value the rule could change matches it, so a value that
    # doesn't is skipped after one scan of the column
    trigger: str
    # RE2 rewrite done by Arrow; None for the secret families, which Python rewrites (redact_text.py)
    pattern: str | None = None
    replacement: str = REDACTED
    luhn: bool = False


BUILTINS: dict[str, Rule] = {
    **{family: Rule(family, TRIGGERS[family]) for family in FAMILIES},
    "emails": Rule(
        "emails",
        r"@[A-Za-z0-9-]+\.",
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        "[REDACTED:email]",
    ),
    "cards": Rule("cards", r"\d(?:[ -]?\d){12}", r"\b\d(?:[ -]?\d){12,18}\b", "[REDACTED:card]", luhn=True),
}


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _replace_cards(column: Strings, counts: Strings, rule: Rule) -> tuple[Strings, int]:
    """Only rows with a card-like run are rewritten in Python, and only Luhn-valid runs are replaced."""
    assert rule.pattern is not None
    mask = pc.greater(counts, pa.scalar(0, counts.type))
    candidates = column.filter(mask).to_pylist()
    pattern = re.compile(rule.pattern)
    found = 0

    def card(match: re.Match[str]) -> str:
        nonlocal found
        digits = re.sub(r"[ -]", "", match.group(0))
        if luhn_ok(digits):
            found += 1
            return rule.replacement
        return match.group(0)

    rewritten = [pattern.sub(card, text) for text in candidates if isinstance(text, str)]
    if not found:
        return column, 0
    replaced: Strings = pc.replace_with_mask(column, mask, pa.array(rewritten, pa.string()))
    return replaced, found


def _apply(column: Strings, rule: Rule) -> tuple[Strings, int]:
    """One Arrow-rewritten rule (emails, cards, a user pattern) over one column."""
    assert rule.pattern is not None
    if not pc.any(pc.match_substring_regex(column, rule.trigger)).as_py():
        return column, 0
    counts = pc.count_substring_regex(column, rule.pattern)
    found = pc.sum(counts).as_py() or 0
    if not found:
        return column, 0
    if rule.luhn:
        return _replace_cards(column, counts, rule)
    replaced: Strings = pc.replace_substring_regex(column, rule.pattern, rule.replacement)
    return replaced, int(found)


def _scrub_secrets(table: pa.Table, families: frozenset[str]) -> tuple[pa.Table, int]:
    """The secret families over the free-text columns: a scan of each row's columns joined for the
    `prefilter`, then the trigger over the values of the rows it found, and Python on the values that hold
    a trigger. (A trigger in a value is in its row's joined text, and the prefilter matches it there.)"""
    present = set(table.column_names)
    names = [name for name in COLUMNS if name in present]
    if not names:
        return table, 0
    columns: list[Any] = [table[name] for name in names]
    joined = pc.binary_join_element_wise(*columns, "\n", null_handling="replace", null_replacement="")
    candidates: Any = pc.match_substring_regex(pc.ascii_lower(joined), prefilter(families))
    if not pc.any(candidates).as_py():
        return table, 0
    mask: Any = pc.fill_null(candidates, False).combine_chunks()
    columns = [column.combine_chunks() for column in columns]
    values = [column.filter(mask) for column in columns]
    hits = pc.fill_null(pc.match_substring_regex(pa.concat_arrays(values), trigger(families)), False).to_pylist()
    total = 0
    for n, (name, column, candidates) in enumerate(zip(names, columns, values, strict=True)):
        rewritten, found = candidates.to_pylist(), 0
        for i, text in enumerate(rewritten):
            if hits[n * len(rewritten) + i]:
                rewritten[i], count = scrub(text, families)
                found += count
        if found:
            index = table.schema.get_field_index(name)
            replaced = pc.replace_with_mask(column, mask, pa.array(rewritten, pa.string()))
            table = table.set_column(index, table.schema.field(index), replaced)
            total += found
    return table, total


@dataclass(frozen=True, slots=True)
class Redactor:
    rules: tuple[Rule, ...] = tuple(BUILTINS[name] for name in DEFAULT_RULES)

    @classmethod
    def build(cls, names: Iterable[str], patterns: Iterable[str] = ()) -> Redactor:
        """Built-in rules by name plus user RE2 patterns; a bad name or pattern raises `RedactionError`."""
        rules: list[Rule] = []
        for given in names:
            name = ALIASES.get(given, given)
            if name not in BUILTINS:
                raise RedactionError(f"unknown redaction rule {given!r} (built-ins: {', '.join(BUILTINS)})")
            if BUILTINS[name] not in rules:
                rules.append(BUILTINS[name])
        for i, pattern in enumerate(patterns):
            try:
                pc.count_substring_regex(pa.array(["probe"], pa.string()), pattern)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise RedactionError(f"redaction pattern {pattern!r} is not valid RE2: {exc}") from exc
            rules.append(Rule(f"pattern_{i}", pattern, pattern))
        return cls(tuple(rules))

    def apply(self, table: pa.Table) -> tuple[pa.Table, int]:
        """`table` with every rule applied to the free-text columns, and how many values were replaced."""
        if not self.rules or table.num_rows == 0:
            return table, 0
        secret_rules = tuple(rule for rule in self.rules if rule.pattern is None)
        total = 0
        if secret_rules:
            families = frozenset(rule.name for rule in secret_rules)
            table, total = _scrub_secrets(table, families)
        column_rules = [rule for rule in self.rules if rule.pattern is not None]
        for name in COLUMNS if column_rules else ():
            if name not in table.column_names:
                continue
            index = table.schema.get_field_index(name)
            column: Any = table[name].combine_chunks()
            changed = False
            for rule in column_rules:
                column, found = _apply(column, rule)
                total += found
                changed = changed or found > 0
            if changed:
                table = table.set_column(index, table.schema.field(index), column)
        return table, total
