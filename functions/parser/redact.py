"""Redaction: secrets and personal data replaced before anything is stored or indexed. Pure.

Rules run column-at-a-time over the free-text columns (`message`, `raw`, `attributes`,
`error_message`, `stack_trace`), in two kinds:

- the secret families (`aws_keys`, `secrets`, `tokens`, `private_keys`: see `redact_text.py`) share
  one case-insensitive trigger (`pass`, `secret`, `token`, `auth`, `AKIA`, `eyJ`, `-----BEGIN`,
  `://…:…@`, an escaped letter…), compiled once per process by RE2's own binding (Arrow would compile it
  anew at every call, which cost more than the scan). It is first run over each column's UTF-8 bytes
  whole, the values back to back: a value that holds a trigger makes that text hold it too, since the
  trigger asserts nothing about where a value begins or ends. Only a column where it finds one is read
  into Python, where the trigger picks the values and JSON is redacted as parsed JSON
  (`redact_json.py`) and other text by patterns that keep quotes and escapes intact;
- `emails`, `cards` (13-19 digits, spaces or dashes allowed, Luhn checked) and user patterns (RE2) are
  rewritten by Arrow, each after a fast scan for a looser pattern.

Each replaced value counts once. `raw` is then no longer byte-for-byte the event: that is the point.
A user pattern is applied to the text as it is; one that matches across a quote can leave JSON that no
longer parses (the views read such rows as NULL fields).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc
import re2

from functions.parser.redact_json import scrub
from functions.parser.redact_text import (
    AWS_KEYS,
    FAMILIES,
    PRIVATE_KEYS,
    REDACTED,
    SECRETS,
    TOKENS,
    TRIGGERS,
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


@lru_cache(maxsize=16)
def compiled_trigger(families: frozenset[str]) -> tuple[Any, Any]:
    """The families' trigger compiled once: for bytes (a column's data) and for str (one value)."""
    pattern = trigger(families)
    return re2.compile(pattern.encode()), re2.compile(pattern)


def utf8_texts(column: pa.ChunkedArray[Any]) -> Iterator[Any]:
    """The bytes of each chunk's values back to back (no copy for string columns), nulls' slots included."""
    for chunk in column.chunks:
        if chunk.null_count == len(chunk):
            continue
        if pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type):
            offsets, data = chunk.buffers()[1:3]
            if offsets is None or data is None:  # no bytes to search (values all empty)
                continue
            form, width = ("<q", 8) if pa.types.is_large_string(chunk.type) else ("<i", 4)
            (start,) = struct.unpack_from(form, offsets, width * chunk.offset)
            (end,) = struct.unpack_from(form, offsets, width * (chunk.offset + len(chunk)))
            yield memoryview(data)[start:end]
        else:
            yield "\n".join(text for text in chunk.to_pylist() if text is not None).encode()


def _scrub_secrets(table: pa.Table, families: frozenset[str]) -> tuple[pa.Table, int]:
    """The secret families over the free-text columns: the trigger over each column's text whole, then,
    in a column where it matched, over each value, and Python on the values that hold one."""
    in_bytes, in_text = compiled_trigger(families)
    total = 0
    for name in COLUMNS:
        index = table.schema.get_field_index(name)
        if index < 0 or not any(in_bytes.search(text) for text in utf8_texts(table.column(index))):
            continue
        values, found = table.column(index).to_pylist(), 0
        for i, text in enumerate(values):
            if text is not None and in_text.search(text):
                values[i], count = scrub(text, families)
                found += count
        if found:
            field = table.schema.field(index)
            table = table.set_column(index, field, pa.array(values, field.type))
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
