"""Value converters for API Gateway access log fields: each returns None for an empty or invalid value.

Values arrive as strings in the log, `-` meaning empty. The fast paths (ASCII digit strings, IP
addresses already in canonical form) give exactly what the general conversion would, only sooner.
"""

from __future__ import annotations

import ipaddress
import math
import re

from functions.parser.formats.fields import to_float, to_int

EMPTY = frozenset({"", "-"})

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# A dotted quad already in canonical form (no leading zeros): ipaddress would return it unchanged.
_CANONICAL_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
# IPv6 groups as ipaddress writes them (lower case, no leading zeros), at most one `::`.
_HEXTETS = r"(?:(?:0|[1-9a-f][0-9a-f]{0,3})(?::(?:0|[1-9a-f][0-9a-f]{0,3}))*)?"
_IPV6_SHAPE = re.compile(rf"{_HEXTETS}(?:::{_HEXTETS})?")
# `:0:0:` and so on: a run of n zero groups between colons.
_ZERO_RUNS = tuple(":0" * n + ":" for n in range(10))


def text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value in EMPTY else value


def error_text(value: object) -> str | None:
    """`$context.error.messageString` arrives quoted; strip the quotes."""
    stripped = text(value)
    return text(stripped.strip('"')) if stripped else None


def method(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    return None if text in EMPTY else text.upper()


# Fast paths: `int`/`float` read an ASCII digit string exactly like `to_int`/`to_float` do (up to
# 15 digits, which a float holds exactly); anything else goes through them.
_STATUS_CODES = {str(code): code for code in range(100, 600)}


def status(value: object) -> int | None:
    if type(value) is str and (code := _STATUS_CODES.get(value)) is not None:
        return code
    number = to_int(value)
    return number if number is not None and 100 <= number <= 599 else None


def millis(value: object) -> float | None:
    if type(value) is str and value.isascii() and value.isdigit():
        number: float | None = float(value)
    else:
        number = to_float(value)
    return number if number is not None and math.isfinite(number) and number >= 0 else None


def length(value: object) -> int | None:
    if type(value) is str and len(value) <= 15 and value.isascii() and value.isdigit():
        return int(value)
    number = to_int(value)
    return number if number is not None and number >= 0 else None


def _is_canonical_ipv6(text: str) -> bool:
    """True when `str(ipaddress.ip_address(text)) == text`: 8 groups, or `::` standing for the first
    longest run of 2+ zero groups (ipaddress's compression), the groups written as ipaddress does."""
    if not _IPV6_SHAPE.fullmatch(text):
        return False
    padded = f":{text}:"
    double_colon = text.find("::")
    if double_colon < 0:
        return text.count(":") == 7 and _ZERO_RUNS[2] not in padded
    # groups written: one more than the colons on each side of `::` that has any
    run = 8 - (text.count(":") - text.startswith("::") - text.endswith("::"))
    return (
        run >= 2
        and ":0::" not in padded  # the groups next to `::` are not zero
        and "::0:" not in padded
        and padded.find(_ZERO_RUNS[run], 0, double_colon + 2) < 0  # no run as long before it
        and _ZERO_RUNS[run + 1] not in padded  # nor a longer one after it
    )


def ip_or_none(value: object) -> str | None:
    """A valid IPv4/IPv6 address in canonical form; anything else (including zone ids) is None."""
    if type(value) is str and (_CANONICAL_IPV4.fullmatch(value) or (":" in value and _is_canonical_ipv6(value))):
        return value
    candidate = text(value)
    if candidate is None or "%" in candidate:
        return None
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
