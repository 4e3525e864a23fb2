"""`loglake opensearch setup`: index template, retention policy and alias — idempotent, safe to re-run.

1. The composable index template `<prefix>` for `<prefix>-*` (mappings from `schemas/`, the alias
   `<prefix>` on every new daily index). Its `_meta.loglake_digest` tells whether it is current.
   Existing daily indices get the columns they lack (adding fields is allowed in place); a changed
   type can't be applied in place: it applies from the next daily index on (or `reindex --recreate`).
2. The ISM policy `<prefix>-retention` (hot → delete after N days), attached to new indices by its
   `ism_template`. ISM is a plugin: on a cluster without it (the local node built from Maven Central
   jars has none) the policy is skipped with a warning. Amazon OpenSearch Service ships it;
   OpenSearch Serverless manages retention with its own data lifecycle policies instead.
3. The alias on existing daily indices that lack it (indices created before the template).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, TransportError

from schemas.events import EVENTS
from schemas.opensearch import index_template, ism_policy, policy_id, template_name


@dataclass(frozen=True)
class SetupReport:
    template: str
    mappings: str
    policy: str
    alias: str

    def lines(self) -> list[str]:
        return [
            f"index template: {self.template}",
            f"existing indices: {self.mappings}",
            f"ISM policy: {self.policy}",
            f"alias: {self.alias}",
        ]


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def apply_template(client: OpenSearch, index_prefix: str) -> str:
    name = template_name(index_prefix)
    body = index_template(EVENTS, index_prefix)
    digest = _digest(body)
    body["_meta"] = {**body["_meta"], "loglake_digest": digest}
    try:
        current = client.indices.get_index_template(name=name)["index_templates"][0]["index_template"]
    except NotFoundError:
        current = None
    if current is not None and current.get("_meta", {}).get("loglake_digest") == digest:
        return f"{name} unchanged"
    client.indices.put_index_template(name=name, body=body)
    return f"{name} {'updated' if current is not None else 'created'}"


def apply_mappings(client: OpenSearch, index_prefix: str) -> str:
    """Add the schema's columns that existing daily indices lack (an index made by an older schema)."""
    properties = index_template(EVENTS, index_prefix)["template"]["mappings"]["properties"]
    existing = client.indices.get_mapping(index=f"{index_prefix}-*", allow_no_indices=True)
    stale = sorted(
        name for name, entry in existing.items() if set(properties) - set(entry["mappings"].get("properties", {}))
    )
    if not stale:
        return f"{len(existing)} daily index(es) up to date"
    try:
        client.indices.put_mapping(index=",".join(stale), body={"properties": properties})
    except TransportError as error:
        return f"could not add the missing columns to {', '.join(stale)}: {error.error} (WARNING)"
    return f"missing columns added to {len(stale)} of {len(existing)} daily index(es)"


def _ism_request(client: OpenSearch, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    response: dict[str, Any] = client.transport.perform_request(method, path, **kwargs)
    return response


def apply_policy(client: OpenSearch, index_prefix: str, retention_days: int) -> str:
    pid = policy_id(index_prefix)
    body = ism_policy(index_prefix, retention_days)
    path = f"/_plugins/_ism/policies/{pid}"
    try:
        current = _ism_request(client, "GET", path)
    except NotFoundError:
        _ism_request(client, "PUT", path, body=body)
        return f"{pid} created (delete after {retention_days} days)"
    except TransportError as error:
        if error.status_code == 400 and "no handler found" in str(error.error):
            return f"skipped: this cluster has no Index State Management plugin, {pid} not installed (WARNING)"
        raise
    if _policy_key(current["policy"]) == _policy_key(body["policy"]):
        return f"{pid} unchanged (delete after {retention_days} days)"
    params = {"if_seq_no": current["_seq_no"], "if_primary_term": current["_primary_term"]}
    _ism_request(client, "PUT", path, body=body, params=params)
    return f"{pid} updated (delete after {retention_days} days)"


def _policy_key(policy: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two policies the same for loglake: states, transitions, actions and the index patterns."""
    states = [
        (s["name"], sorted(a for action in s.get("actions", []) for a in action if a != "retry"), s.get("transitions"))
        for s in policy["states"]
    ]
    patterns = [t["index_patterns"] for t in policy.get("ism_template") or []]
    return policy["default_state"], states, patterns


def apply_alias(client: OpenSearch, index_prefix: str) -> str:
    aliases: dict[str, Any] = client.indices.get_alias(index=f"{index_prefix}-*", allow_no_indices=True)
    missing = sorted(name for name, entry in aliases.items() if index_prefix not in entry.get("aliases", {}))
    if missing:
        actions = [{"add": {"index": name, "alias": index_prefix}} for name in missing]
        client.indices.update_aliases(body={"actions": actions})
    return f"{index_prefix} on {len(aliases)} daily index(es)" + (f", added to {len(missing)}" if missing else "")


def setup(client: OpenSearch, index_prefix: str, retention_days: int) -> SetupReport:
    template = apply_template(client, index_prefix)
    mappings = apply_mappings(client, index_prefix)
    policy = apply_policy(client, index_prefix, retention_days)
    return SetupReport(template, mappings, policy, apply_alias(client, index_prefix))
