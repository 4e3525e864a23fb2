"""Compactor settings, read once at cold start from the environment into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from functions.compactor.compact import MIB, CompactionConfig
from functions.compactor.lease import DEFAULT_TTL_MS
from functions.env_settings import SettingsError, lake_location


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise SettingsError(f"{name}={text!r}: a whole number")
    return int(text)


@dataclass(frozen=True, slots=True)
class CompactorSettings:
    bucket: str
    prefix: str
    config: CompactionConfig
    lookback_hours: int = 72  # older partitions get no late events: a parser retries for 6 h at most
    lease_ms: int = DEFAULT_TTL_MS  # how long a killed run keeps the lake's lease

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> CompactorSettings:
        bucket, prefix = lake_location(env, "compactor")
        config = CompactionConfig(
            target_bytes=max(1, _whole(env, "LOGLAKE_COMPACT_TARGET_MB", 128)) * MIB,
            grace_ms=_whole(env, "LOGLAKE_COMPACT_GRACE_SECONDS", 3600) * 1000,
            close_after_ms=_whole(env, "LOGLAKE_COMPACT_CLOSE_AFTER_MINUTES", 60) * 60_000,
            max_input_bytes=max(1, _whole(env, "LOGLAKE_COMPACT_MAX_INPUT_MB", 1024)) * MIB,
            budget_bytes=max(8, _whole(env, "LOGLAKE_COMPACT_BUDGET_MB", 32)) * MIB,
        )
        lookback = max(1, _whole(env, "LOGLAKE_COMPACT_LOOKBACK_HOURS", 72))
        lease_ms = max(1, _whole(env, "LOGLAKE_COMPACT_LEASE_MINUTES", DEFAULT_TTL_MS // 60_000)) * 60_000
        return cls(bucket, prefix, config, lookback, lease_ms)
