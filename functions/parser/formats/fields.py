"""Small pure helpers shared by the format parsers."""

from __future__ import annotations

import json
import json.encoder as json_encoder
import math
import re
from typing import Any

# A request id as Lambda prints it (a UUID) — API Gateway ids are matched by their own formats.
UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# The same shape with any letters: documentation redacts ids as `8f507cfc-xmpl-4697-b07a-ac58fc914c95`.
UUID_SHAPE = r"[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}"
_NO_ID = frozenset({"", "-", "None", "none", "null", "undefined"})
_TRACE_ROOT = re.compile(r"Root=(1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24})")
# The one way a parser writes JSON into a column (`attributes`, a structured value in a text column):
# compact, UTF-8 as it is (no \u escapes), anything JSON can't say as its str().
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
# The same encoding straight from the C encoder `_JSON.encode` builds anew at every call (half its cost on
# a line's attributes), without its check for cycles: the values come from decoded JSON and parsed text,
# which have none. Absent where the interpreter has no C accelerator.
_C_ENCODER = getattr(json_encoder, "c_make_encoder", None)
_ENCODE = (
    None
    if _C_ENCODER is None
    else _C_ENCODER(None, str, json_encoder.encode_basestring, None, ":", ",", False, False, True)
)


def json_text(value: object) -> str:
    """`value` as JSON the way every column stores it (see `_JSON`)."""
    if _ENCODE is None or isinstance(value, str):
        return _JSON.encode(value)
    return "".join(_ENCODE(value, 0))


def request_id_or_none(value: object) -> str | None:
    """Runtimes print placeholders ('undefined', 'None', '') where no request is in flight."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value in _NO_ID else value


def to_float(value: object) -> float | None:
    if type(value) is str:
        try:
            return float(value.strip())
        except ValueError:
            return None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


_EXACT = 2**53  # integers below this survive the trip through a float unchanged


def to_int(value: object) -> int | None:
    """A whole number by way of `to_float` (so `12.7` is 12); digits and ints a float holds exactly skip the float."""
    if type(value) is str:
        if len(value) < 16 and value.isdecimal():
            return int(value)
    elif type(value) is int and -_EXACT < value < _EXACT:
        return value
    number = to_float(value)
    if number is None or math.isnan(number) or abs(number) > 2**62:
        return None
    return int(number)


def text_or_none(value: object) -> str | None:
    """A string as is; other JSON values as compact JSON; None and empty strings as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    return json_text(value)


def stack_text(value: object) -> str | None:
    """Stack traces arrive as a string or as a list of frames; store them one frame per line."""
    if isinstance(value, list):
        return "\n".join(str(frame).rstrip("\n") for frame in value) or None
    return text_or_none(value)


def attributes_json(obj: dict[str, Any], promoted: frozenset[str]) -> str | None:
    """The keys of a structured line that no column holds, as a JSON object (None when nothing is left)."""
    rest = {k: v for k, v in obj.items() if k not in promoted}
    if not rest:
        return None
    return json_text(rest)


def trace_id_from_header(value: object) -> str | None:
    """X-Ray trace id from `Root=1-...;Parent=...;Sampled=1` or a bare `1-...` id."""
    if not isinstance(value, str):
        return None
    match = _TRACE_ROOT.search(value)
    if match:
        return match.group(1)
    value = value.strip()
    return value if value.startswith("1-") else None


_PY_TRACEBACK = "Traceback (most recent call last):"
_EXC_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Fault)?)(?::\s?(.*))?$")


def python_exception(text: str) -> tuple[str | None, str | None, str | None]:
    """(error_type, error_message, stack_trace) from text that embeds a Python traceback."""
    start = text.find(_PY_TRACEBACK)
    if start < 0:
        return None, None, None
    stack = text[start:].rstrip()
    last = stack.rsplit("\n", 1)[-1].strip()
    match = _EXC_LINE.match(last)
    if not match or last.startswith(("File ", "Traceback")):
        return None, None, stack
    return match.group(1), match.group(2) or None, stack
