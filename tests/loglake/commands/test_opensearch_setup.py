"""`loglake opensearch setup`: template, mappings, ISM policy and alias, applied idempotently on a real node."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from loglake.cli import main
from schemas.opensearch import ism_policy, policy_id
from tests.opensearch_support import FaultProxy


@pytest.fixture
def fresh_prefix(os_client: OpenSearch) -> Iterator[str]:
    """A prefix with nothing set up yet."""
    prefix = f"s{uuid.uuid4().hex[:10]}"
    yield prefix
    os_client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)
    os_client.indices.delete_index_template(name=prefix, ignore=[404])


def setup_lines(url: str, prefix: str, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    assert main(["opensearch", "setup", "--url", url, "--index-prefix", prefix, *extra]) == 0
    return capsys.readouterr().out.splitlines()


def test_setup_is_idempotent_and_says_what_it_did(
    opensearch_url: str, os_client: OpenSearch, fresh_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a daily index made by an older loglake (no alias, only some of today's columns)
    old_mapping = {"properties": {"event_id": {"type": "keyword"}, "message": {"type": "text"}}}
    os_client.indices.create(index=f"{fresh_prefix}-2026.11.01", body={"mappings": old_mapping})
    os_client.index(index=f"{fresh_prefix}-2026.11.01", body={"event_id": "1"}, refresh=True)
    # When setup runs twice
    first = setup_lines(opensearch_url, fresh_prefix, capsys)
    second = setup_lines(opensearch_url, fresh_prefix, capsys)
    # Then the first run creates and repairs, the second changes nothing
    assert first[0] == f"index template: {fresh_prefix} created"
    assert first[1] == "existing indices: missing columns added to 1 of 1 daily index(es)"
    assert "no Index State Management plugin" in first[2] and "WARNING" in first[2]
    assert first[3] == f"alias: {fresh_prefix} on 1 daily index(es), added to 1"
    assert second[0] == f"index template: {fresh_prefix} unchanged"
    assert second[1] == "existing indices: 1 daily index(es) up to date"
    assert second[3] == f"alias: {fresh_prefix} on 1 daily index(es)"
    # And new daily indices get the schema's mapping and the alias from the template
    os_client.index(index=f"{fresh_prefix}-2026.11.02", body={"event_id": "2", "message": "hi"}, refresh=True)
    created = os_client.indices.get(index=f"{fresh_prefix}-2026.11.02")[f"{fresh_prefix}-2026.11.02"]
    assert fresh_prefix in created["aliases"] and created["mappings"]["dynamic"] == "strict"
    assert os_client.count(index=fresh_prefix)["count"] == 2


def test_setup_warns_when_an_existing_index_has_a_conflicting_type(
    opensearch_url: str, os_client: OpenSearch, fresh_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    index = f"{fresh_prefix}-2026.11.01"
    os_client.indices.create(index=index, body={"mappings": {"properties": {"request_id": {"type": "long"}}}})
    lines = setup_lines(opensearch_url, fresh_prefix, capsys)
    assert lines[1].startswith(f"existing indices: could not add the missing columns to {index}")
    assert lines[1].endswith("(WARNING)")


def test_setup_creates_then_keeps_then_updates_the_retention_policy(
    os_client: OpenSearch, fresh_prefix: str, fault_proxy: FaultProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a cluster with the ISM policy API (played by the proxy in front of the node)
    fault_proxy.ism = {}
    pid = policy_id(fresh_prefix)
    policy_line = re.compile(rf"ISM policy: {pid} (created|unchanged|updated) \(delete after (\d+) days\)")
    # When setup runs with 30 days, again, then with 7 days
    runs = [setup_lines(fault_proxy.url, fresh_prefix, capsys, "--retention-days", d)[2] for d in ("30", "30", "7")]
    # Then the policy is created, left alone, then updated in place (optimistic concurrency)
    matches = [policy_line.fullmatch(line) for line in runs]
    assert [m.groups() if m else line for m, line in zip(matches, runs, strict=True)] == [
        ("created", "30"),
        ("unchanged", "30"),
        ("updated", "7"),
    ]
    stored = fault_proxy.ism[pid]
    assert stored["_seq_no"] == 1 and stored["policy"] == ism_policy(fresh_prefix, 7)["policy"]


def test_the_template_maps_text_for_words_keywords_for_ids_and_rejects_unknown_columns(
    os_client: OpenSearch, index_prefix: str
) -> None:
    index = f"{index_prefix}-2026.11.27"
    doc = {"event_id": "9", "message": "Task timed out after 3.00 seconds", "source_ip": "not-an-ip"}
    os_client.index(index=index, id="9", body=doc, refresh=True)
    by_word = os_client.count(index=index, body={"query": {"match": {"message": "timed"}}})["count"]
    by_exact = os_client.count(index=index, body={"query": {"term": {"message.keyword": doc["message"]}}})["count"]
    assert (by_word, by_exact) == (1, 1)  # a malformed IP did not reject the document either
    with pytest.raises(Exception, match="strict_dynamic_mapping_exception"):
        os_client.index(index=index, body={"event_id": "10", "not_a_column": 1})
