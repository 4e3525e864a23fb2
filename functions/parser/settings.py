"""Parser settings, read once at cold start from the environment into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from functions.sinks.keys import normalize_prefix
from schemas.events import LEVELS, RECORD_TYPES, SOURCES
from schemas.opensearch import DEFAULT_INDEX_PREFIX

AUTH_MODES = ("none", "sigv4-es", "sigv4-aoss", "basic-secret")


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class OpenSearchSettings:
    """Where and what to index. Absent (None in `Settings`) when LOGLAKE_OPENSEARCH_URL is unset."""

    url: str
    auth: str = "none"  # none | sigv4-es | sigv4-aoss | basic-secret
    secret_arn: str | None = None  # basic-secret: a JSON secret {"username": ..., "password": ...}
    index_prefix: str = DEFAULT_INDEX_PREFIX
    min_level: str | None = None
    sources: frozenset[str] | None = None
    record_types: frozenset[str] | None = None
    verify_certs: bool = True
    bulk_max_bytes: int = 5 * 1024 * 1024
    margin_s: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OpenSearchSettings | None:
        url = env.get("LOGLAKE_OPENSEARCH_URL", "").strip()
        if not url:
            return None
        auth = env.get("LOGLAKE_OPENSEARCH_AUTH", "none").strip() or "none"
        if auth not in AUTH_MODES:
            raise SettingsError(f"LOGLAKE_OPENSEARCH_AUTH={auth!r}: one of {', '.join(AUTH_MODES)}")
        secret_arn = env.get("LOGLAKE_OPENSEARCH_SECRET_ARN", "").strip() or None
        if auth == "basic-secret" and not secret_arn:
            raise SettingsError("LOGLAKE_OPENSEARCH_AUTH=basic-secret needs LOGLAKE_OPENSEARCH_SECRET_ARN")
        min_level = env.get("LOGLAKE_OPENSEARCH_MIN_LEVEL", "").strip().upper() or None
        if min_level is not None and min_level not in LEVELS:
            raise SettingsError(f"LOGLAKE_OPENSEARCH_MIN_LEVEL={min_level!r}: one of {', '.join(LEVELS)}")
        return cls(
            url=url,
            auth=auth,
            secret_arn=secret_arn,
            index_prefix=env.get("LOGLAKE_OPENSEARCH_INDEX_PREFIX", "").strip() or DEFAULT_INDEX_PREFIX,
            min_level=min_level,
            sources=_choices(env, "LOGLAKE_OPENSEARCH_SOURCES", SOURCES),
            record_types=_choices(env, "LOGLAKE_OPENSEARCH_RECORD_TYPES", RECORD_TYPES),
            verify_certs=env.get("LOGLAKE_OPENSEARCH_VERIFY_CERTS", "true").strip().lower() not in ("0", "false", "no"),
            bulk_max_bytes=_number(env, "LOGLAKE_OPENSEARCH_BULK_BYTES", 5 * 1024 * 1024),
            margin_s=_number(env, "LOGLAKE_OPENSEARCH_MARGIN_SECONDS", 5),
        )


def _choices(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> frozenset[str] | None:
    values = frozenset(v.strip() for v in env.get(name, "").split(",") if v.strip())
    unknown = values - set(allowed)
    if unknown:
        raise SettingsError(f"{name}: unknown {', '.join(sorted(unknown))} (allowed: {', '.join(allowed)})")
    return values or None


def _number(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name}={text!r}: a positive whole number")
    return int(text)


@dataclass(frozen=True, slots=True)
class Settings:
    bucket: str
    prefix: str
    region: str
    opensearch: OpenSearchSettings | None = None

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
            opensearch=OpenSearchSettings.from_env(env),
        )
