"""Parser settings, read once at cold start from the environment into a frozen object."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from functions.env_settings import SettingsError, lake_location
from functions.parser.redact import DEFAULT_RULES, RedactionError, Redactor
from schemas.events import LEVELS, RECORD_TYPES, SOURCES
from schemas.opensearch import DEFAULT_INDEX_PREFIX

AUTH_MODES = ("none", "sigv4-es", "sigv4-aoss", "basic-secret")


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


def _redaction(env: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """LOGLAKE_REDACT: built-in rules, comma-separated ('none' for none; unset: `DEFAULT_RULES`, the credentials);
    LOGLAKE_REDACT_PATTERNS: a JSON list of RE2 patterns of your own."""
    text = env.get("LOGLAKE_REDACT")
    names = (
        DEFAULT_RULES if text is None else tuple(n.strip() for n in text.split(",") if n.strip() not in ("", "none"))
    )
    raw = env.get("LOGLAKE_REDACT_PATTERNS", "").strip() or "[]"
    try:
        patterns = json.loads(raw)
    except ValueError as exc:
        raise SettingsError(f"LOGLAKE_REDACT_PATTERNS is not JSON: {exc}") from exc
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise SettingsError("LOGLAKE_REDACT_PATTERNS: a JSON list of non-empty regular expressions")
    try:
        Redactor.build(names, patterns)
    except RedactionError as exc:
        raise SettingsError(str(exc)) from exc
    return names, tuple(patterns)


@dataclass(frozen=True, slots=True)
class Settings:
    bucket: str
    prefix: str
    region: str
    opensearch: OpenSearchSettings | None = None
    redact: tuple[str, ...] = DEFAULT_RULES
    redact_patterns: tuple[str, ...] = ()

    @property
    def redactor(self) -> Redactor:
        return Redactor.build(self.redact, self.redact_patterns)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        bucket, prefix = lake_location(env, "parser")
        redact, patterns = _redaction(env)
        return cls(
            bucket=bucket,
            prefix=prefix,
            region=env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "unknown")),
            opensearch=OpenSearchSettings.from_env(env),
            redact=redact,
            redact_patterns=patterns,
        )
