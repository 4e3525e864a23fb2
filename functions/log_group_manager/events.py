"""Trigger events → typed triggers: CloudTrail CreateLogGroup, the daily schedule, or something ignored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NewLogGroup:
    name: str
    log_group_class: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Scheduled:
    """The scheduled reconciliation of every log group."""


@dataclass(frozen=True)
class Ignored:
    reason: str


Trigger = NewLogGroup | Scheduled | Ignored


def decode(event: Mapping[str, Any]) -> Trigger:
    detail_type = event.get("detail-type")
    if detail_type == "Scheduled Event":
        return Scheduled()
    if detail_type != "AWS API Call via CloudTrail":
        return Ignored(f"unexpected event (detail-type {detail_type!r})")
    detail = event.get("detail") or {}
    if detail.get("eventSource") != "logs.amazonaws.com" or detail.get("eventName") != "CreateLogGroup":
        return Ignored(f"not CreateLogGroup: {detail.get('eventSource')} {detail.get('eventName')}")
    if detail.get("errorCode"):
        return Ignored(f"CreateLogGroup failed ({detail['errorCode']}): no group was created")
    params = detail.get("requestParameters") or {}
    name = params.get("logGroupName")
    if not isinstance(name, str) or not name:
        return Ignored("CreateLogGroup event without requestParameters.logGroupName")
    tags = params.get("tags") or {}
    return NewLogGroup(
        name=name,
        log_group_class=params.get("logGroupClass") or None,
        tags={str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {},
    )
