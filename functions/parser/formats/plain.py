"""Lines with no recognisable structure.

In a Lambda log group such a line is what the function printed (`print`, `console.log` before the
runtime prefix existed, a native library writing to stdout): it is application output with no level.
Anywhere else we cannot tell what it is, so it is kept as 'unknown'. Either way the text is kept.
"""

from __future__ import annotations

from functions.parser.formats.base import Format, Row

FIELDS = ("record_type", "message")


def parse_print(line: str) -> Row:
    return ("app", line.rstrip())


def parse_unknown(line: str) -> Row:
    return ("unknown", line.rstrip())


PRINT = Format("print", FIELDS, parse_print)
UNKNOWN = Format("unknown", FIELDS, parse_unknown)
