"""The contract every log format module fulfils.

A format turns one CloudWatch event message (text, or an already-decoded JSON object) into a tuple of
values for the schema columns it names in `fields`. Returning None means "this is not really my
format": the pipeline keeps the line with record_type 'unknown'. Parsers are pure: no I/O, no logging.

Rows are positional tuples on purpose: the pipeline transposes a group of them into columns with one
`zip(*rows)`, which keeps per-event Python work small.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Row = tuple[Any, ...]

# Level names as runtimes and logging libraries print them → the schema's levels (`schemas.events.LEVELS`):
# syslog names, .NET's (Information, Critical...) and java.util.logging's (SEVERE, FINE...).
LEVEL_ALIASES: dict[str, str] = {
    "TRACE": "TRACE",
    "VERBOSE": "TRACE",
    "FINEST": "TRACE",
    "FINER": "TRACE",
    "DEBUG": "DEBUG",
    "FINE": "DEBUG",
    "INFO": "INFO",
    "INFORMATION": "INFO",
    "NOTICE": "INFO",
    "CONFIG": "INFO",
    "WARN": "WARN",
    "WARNING": "WARN",
    "ERROR": "ERROR",
    "ERR": "ERROR",
    "SEVERE": "ERROR",
    "CRITICAL": "FATAL",
    "FATAL": "FATAL",
    "EMERG": "FATAL",
    "ALERT": "FATAL",
}


# The spellings runtimes print most (as listed, lower case, capitalized) → the schema's level, for one lookup.
_LEVEL_SPELLINGS: dict[str, str] = {
    spelling: level for alias, level in LEVEL_ALIASES.items() for spelling in (alias, alias.lower(), alias.capitalize())
}


def normalize_level(value: object) -> str | None:
    """Map runtime level names (WARNING, CRITICAL, lower case...) onto TRACE/DEBUG/INFO/WARN/ERROR/FATAL."""
    if type(value) is str:
        level = _LEVEL_SPELLINGS.get(value)
        if level is not None:
            return level
    elif not isinstance(value, str):
        return None
    return LEVEL_ALIASES.get(value.strip().upper())


@dataclass(frozen=True, slots=True)
class Format:
    """A named parser and the schema columns its rows fill, in order."""

    name: str
    fields: tuple[str, ...]
    parse: Callable[[Any], Row | None]

    def __post_init__(self) -> None:
        if "record_type" not in self.fields:
            raise ValueError(f"format {self.name} must set record_type")
