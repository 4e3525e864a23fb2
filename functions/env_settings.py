"""What every loglake Lambda reads from its environment the same way: the error type and the lake's place."""

from __future__ import annotations

from collections.abc import Mapping

from functions.sinks.keys import normalize_prefix


class SettingsError(ValueError):
    """A setting in the environment is missing or invalid; the message names it."""


def lake_location(env: Mapping[str, str], reader: str) -> tuple[str, str]:
    """(bucket, prefix) of the lake from LOGLAKE_BUCKET and LOGLAKE_PREFIX; `reader` names who needs them."""
    bucket = env.get("LOGLAKE_BUCKET", "").strip()
    if not bucket:
        raise SettingsError(f"LOGLAKE_BUCKET is not set: the {reader} needs the lake bucket name")
    try:
        prefix = normalize_prefix(env.get("LOGLAKE_PREFIX", "lake/"))
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
    return bucket, prefix
