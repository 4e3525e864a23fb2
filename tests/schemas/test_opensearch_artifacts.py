"""The index template's layout and the ISM policy's validity (the local node has no ISM plugin, so the
policy is checked against the rules of the ISM policy format here)."""

from __future__ import annotations

import json
import re

import pytest

from schemas.events import EVENTS
from schemas.opensearch import index_template, ism_policy
from schemas.render import REPO

KNOWN_ACTIONS = {"delete", "read_only", "read_write", "replica_count", "force_merge", "rollover", "close", "open"}
KNOWN_CONDITIONS = {"min_index_age", "min_doc_count", "min_size", "min_rollover_age", "cron"}


def test_daily_indices_sit_behind_one_alias() -> None:
    template = index_template(EVENTS, "acme-events")
    assert template["index_patterns"] == ["acme-events-*"]
    assert template["template"]["aliases"] == {"acme-events": {}}
    assert template["template"]["mappings"]["_meta"]["time_field"] == "event_time"


@pytest.mark.parametrize("days", [1, 7, 30, 400])
def test_the_retention_policy_is_a_valid_ism_state_machine(days: int) -> None:
    policy = ism_policy("acme-events", days)["policy"]
    states = {state["name"]: state for state in policy["states"]}
    # every state is reachable from the default one, every transition goes to a known state
    assert policy["default_state"] in states
    for state in states.values():
        assert set(state) <= {"name", "actions", "transitions"}
        for action in state["actions"]:
            assert len(action) == 1 and set(action) <= KNOWN_ACTIONS
        for transition in state["transitions"]:
            assert transition["state_name"] in states
            assert set(transition.get("conditions", {})) <= KNOWN_CONDITIONS
    # hot → delete after N days, then nothing
    (hot_to_delete,) = states["hot"]["transitions"]
    assert hot_to_delete == {"state_name": "delete", "conditions": {"min_index_age": f"{days}d"}}
    assert re.fullmatch(r"\d+d", hot_to_delete["conditions"]["min_index_age"])
    assert states["delete"] == {"name": "delete", "actions": [{"delete": {}}], "transitions": []}
    # attached to every new daily index of the prefix, and only those
    assert policy["ism_template"] == [{"index_patterns": ["acme-events-*"], "priority": 100}]
    assert policy["ism_template"][0]["index_patterns"] == index_template(EVENTS, "acme-events")["index_patterns"]


def test_retention_must_be_at_least_a_day() -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        ism_policy(retention_days=0)


def test_the_committed_policy_is_the_default_rendering() -> None:
    committed = json.loads((REPO / "infra" / "opensearch" / "ism-policy.json").read_text())
    assert committed == ism_policy()
    assert "30d" in json.dumps(committed)
