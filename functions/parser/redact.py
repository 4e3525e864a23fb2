"""Redaction: secrets and personal data replaced before anything is stored or indexed. Pure.

Rules run column-at-a-time (RE2 through Arrow compute) over the free-text columns (`message`, `raw`,
`attributes`, `error_message`, `stack_trace`): a rule first counts its matches on the whole column and
rewrites only when there are any, so a rule that finds nothing costs one scan. Card numbers are the
exception that needs Python: a card-like digit run is replaced only when its Luhn checksum holds, and
only the rows with a card-like run are looked at.

Built-ins (`BUILTINS`): `aws_keys` (access key ids AKIA…/ASIA…; on by default), `secrets` (values of
`password=`, `"api_key": "…"`, `client_secret: …` and the like; the key stays), `bearer` (bearer
tokens), `emails`, `cards` (13-19 digits, spaces or dashes allowed, Luhn checked); plus user patterns
(RE2 syntax), each match replaced by `[REDACTED]`. `raw` is then no longer byte-for-byte the event:
that is the point.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

Strings: TypeAlias = Any  # a pa.StringArray; the stubs' compute overloads don't cover it
COLUMNS = ("message", "raw", "attributes", "error_message", "stack_trace")
REDACTED = "[REDACTED]"
DEFAULT_RULES = ("aws_keys",)
_SECRET_KEYS = r"password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?"


class RedactionError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: str  # RE2 (Arrow) syntax; also valid Python `re` syntax for the Luhn rule
    replacement: str = REDACTED
    luhn: bool = False
    # A looser pattern every match also matches, without `\b` (which makes RE2 several times slower):
    # a column it finds nothing in is left alone after this one fast scan.
    prefilter: str | None = None


BUILTINS: dict[str, Rule] = {
    "aws_keys": Rule(
        "aws_keys",
        r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
        "[REDACTED:aws_key]",
        prefilter=r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",
    ),
    "secrets": Rule(
        "secrets",
        rf"(?i)([A-Za-z0-9_.-]*(?:{_SECRET_KEYS})[A-Za-z0-9_.-]*)(\"?\s*[:=]\s*\"?)([^\s\"',;&]+)",
        r"\1\2" + REDACTED,
        prefilter=rf"(?i)(?:{_SECRET_KEYS})",
    ),
    "bearer": Rule("bearer", r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}", "Bearer " + REDACTED, prefilter=r"(?i)bearer\s"),
    "emails": Rule(
        "emails",
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        "[REDACTED:email]",
        prefilter=r"@[A-Za-z0-9-]+\.",
    ),
    "cards": Rule("cards", r"\b\d(?:[ -]?\d){12,18}\b", "[REDACTED:card]", luhn=True, prefilter=r"\d(?:[ -]?\d){12}"),
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
    if rule.prefilter is not None and not pc.any(pc.match_substring_regex(column, rule.prefilter)).as_py():
        return column, 0
    counts = pc.count_substring_regex(column, rule.pattern)
    found = pc.sum(counts).as_py() or 0
    if not found:
        return column, 0
    if rule.luhn:
        return _replace_cards(column, counts, rule)
    replaced: Strings = pc.replace_substring_regex(column, rule.pattern, rule.replacement)
    return replaced, int(found)


@dataclass(frozen=True, slots=True)
class Redactor:
    rules: tuple[Rule, ...] = tuple(BUILTINS[name] for name in DEFAULT_RULES)

    @classmethod
    def build(cls, names: Iterable[str], patterns: Iterable[str] = ()) -> Redactor:
        """Built-in rules by name plus user RE2 patterns; a bad name or pattern raises `RedactionError`."""
        rules: list[Rule] = []
        for name in names:
            if name not in BUILTINS:
                raise RedactionError(f"unknown redaction rule {name!r} (built-ins: {', '.join(BUILTINS)})")
            rules.append(BUILTINS[name])
        for i, pattern in enumerate(patterns):
            try:
                pc.count_substring_regex(pa.array(["probe"], pa.string()), pattern)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise RedactionError(f"redaction pattern {pattern!r} is not valid RE2: {exc}") from exc
            rules.append(Rule(f"pattern_{i}", pattern))
        return cls(tuple(rules))

    def apply(self, table: pa.Table) -> tuple[pa.Table, int]:
        """`table` with every rule applied to the free-text columns, and how many values were replaced."""
        if not self.rules or table.num_rows == 0:
            return table, 0
        total = 0
        for name in COLUMNS:
            if name not in table.column_names:
                continue
            index = table.schema.get_field_index(name)
            column: Any = table[name].combine_chunks()
            changed = False
            for rule in self.rules:
                column, found = _apply(column, rule)
                total += found
                changed = changed or found > 0
            if changed:
                table = table.set_column(index, table.schema.field(index), column)
        return table, total


NONE = Redactor(())
