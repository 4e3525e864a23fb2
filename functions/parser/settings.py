"""Parser settings, read once at cold start from the environment into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from functions.sinks.keys import normalize_prefix


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    bucket: str
    prefix: str
    region: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        bucket = env.get("LOGLAKE_BUCKET", "").strip()
        if not bucket:
            raise SettingsError("LOGLAKE_BUCKET is not set: the parser needs the lake bucket name")
        try:
            prefix = normalize_prefix(env.get("LOGLAKE_PREFIX", "lake/"))
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc
        return cls(
            bucket=bucket,
            prefix=prefix,
            region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "unknown")),
        )
