from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from functions.log_group_manager.events import Ignored, NewLogGroup, Scheduled, decode

EVENTS = Path(__file__).parents[2] / "events"


def load(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def test_create_log_group_event_becomes_a_new_group() -> None:
    assert decode(load("cloudtrail_create_log_group.json")) == NewLogGroup(name="/aws/lambda/orders-api")


def test_the_log_class_and_tags_of_the_request_are_kept() -> None:
    infrequent = decode(load("cloudtrail_create_log_group_infrequent_access.json"))
    assert infrequent == NewLogGroup("/aws/lambda/audit-archive", log_group_class="INFREQUENT_ACCESS")
    tagged = decode(load("cloudtrail_create_log_group_with_tags.json"))
    assert isinstance(tagged, NewLogGroup)
    assert tagged.tags == {"team": "payments", "loglake:subscribe": "true"}


def test_the_daily_schedule_is_a_reconciliation() -> None:
    assert decode(load("scheduled_daily.json")) == Scheduled()


def test_failed_calls_other_api_calls_and_strangers_are_ignored_with_a_reason() -> None:
    failed = decode(load("cloudtrail_create_log_group_already_exists.json"))
    assert isinstance(failed, Ignored) and "ResourceAlreadyExistsException" in failed.reason
    other = load("cloudtrail_create_log_group.json")
    other["detail"]["eventName"] = "DeleteLogGroup"
    assert decode(other) == Ignored("not CreateLogGroup: logs.amazonaws.com DeleteLogGroup")
    no_name = load("cloudtrail_create_log_group.json")
    no_name["detail"]["requestParameters"] = None
    assert isinstance(decode(no_name), Ignored)
    assert isinstance(decode({"Records": []}), Ignored)
