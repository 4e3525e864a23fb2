"""Secrets in JSON text, replaced in the parsed document so that the result is JSON again. Pure.

`attributes` is always JSON, and so are `raw` and `message` for JSON log lines. Text-level patterns
on such text would have to understand every escape; instead the text is parsed, the value of every
key that names a secret is replaced (strings whole, numbers too, booleans and nulls kept), every other
string goes through the text rules (it may hold `password=…` or a JSON string of its own), and the
document is written back only when something changed, with the separators and ASCII-ness it had.
"""

from __future__ import annotations

import json
from typing import Any

from functions.parser.redact_text import (
    REDACTED,
    SECRETS,
    KeyKind,
    key_kind,
    redacted_value,
    scrub_text,
)

_MAX_DEPTH = 64  # deeper documents are treated as text (json.loads itself stops near 1,000)


class _Scrubber:
    def __init__(self, families: frozenset[str]) -> None:
        self.families = families
        self.keys = SECRETS in families
        self.count = 0

    def value(self, value: Any, depth: int) -> Any:
        if isinstance(value, str):
            new, found = scrub(value, self.families, depth + 1)
            self.count += found
            return new
        if isinstance(value, dict):
            return {key: self.item(key, item, depth + 1) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item, depth + 1) for item in value]
        return value

    def item(self, key: str, value: Any, depth: int) -> Any:
        """The value of `key`: replaced whole when the key names a secret."""
        kind = key_kind(key) if self.keys else None
        if kind is None or isinstance(value, dict):
            return self.value(value, depth)
        if isinstance(value, list):
            return [self.item(key, item, depth + 1) for item in value]
        if isinstance(value, bool) or value is None or (kind is KeyKind.PLURAL and isinstance(value, int | float)):
            return value
        new = redacted_value(value) if isinstance(value, str) else REDACTED
        if new is None:
            return value
        self.count += 1
        return new


def _separators(text: str) -> tuple[str, str]:
    return (", ", ": ") if '": ' in text else (",", ":")


def scrub_json(text: str, families: frozenset[str], depth: int = 0) -> tuple[str, int] | None:
    """`text` redacted as a JSON document, or None when it is not a JSON object or array."""
    body = text.strip()
    if depth > _MAX_DEPTH or body[:1] not in ("{", "[") or body[-1:] not in ("}", "]"):
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    scrubber = _Scrubber(families)
    try:
        redacted = scrubber.value(document, depth)
    except RecursionError:  # nested too deep to walk: redacted as text instead
        return None
    if not scrubber.count:
        return text, 0
    start = text.index(body[0])
    written = json.dumps(redacted, ensure_ascii=body.isascii(), separators=_separators(body))
    return text[:start] + written + text[start + len(body) :], scrubber.count


def scrub(text: str, families: frozenset[str], depth: int = 0) -> tuple[str, int]:
    """`text` with the secrets of `families` replaced (as JSON when it is JSON), and how many."""
    structured = scrub_json(text, families, depth)
    return structured if structured is not None else scrub_text(text, families)
