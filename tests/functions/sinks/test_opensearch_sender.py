"""The bulk sender's retry rules with a scripted client and a fake clock: fast and exact."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from opensearchpy.exceptions import ConnectionError as TransportConnectionError
from opensearchpy.exceptions import TransportError

from functions.sinks.opensearch import BulkConfig, BulkSender
from functions.sinks.opensearch_docs import BulkItem, bulk_item

Step = Callable[[list[str]], dict[str, Any]]


class ScriptedClient:
    """`bulk()` runs the next step with the ids of the request; a step returns a response or raises."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[list[str]] = []

    def bulk(self, body: bytes, **_: Any) -> dict[str, Any]:
        lines = body.decode().splitlines()
        ids = [json.loads(line)["index"]["_id"] for line in lines[::2]]
        self.requests.append(ids)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        return step(ids)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def ok(ids: list[str]) -> dict[str, Any]:
    return {"errors": False}


def per_item(statuses: dict[str, int]) -> Step:
    def respond(ids: list[str]) -> dict[str, Any]:
        items = []
        for doc_id in ids:
            status = statuses.get(doc_id, 201)
            outcome: dict[str, Any] = {"status": status}
            if status >= 300:
                outcome["error"] = {"type": "mapper_parsing_exception" if status == 400 else "rejected"}
            items.append({"index": outcome})
        return {"errors": True, "items": items}

    return respond


def raising(error: Exception) -> Step:
    def respond(ids: list[str]) -> dict[str, Any]:
        raise error

    return respond


def sender(client: ScriptedClient, clock: FakeTime, **config: Any) -> BulkSender:
    return BulkSender(client, BulkConfig(**config), sleep=clock.sleep, clock=lambda: clock.now, jitter=lambda: 1.0)  # type: ignore[arg-type]


def items(n: int) -> list[BulkItem]:
    return [bulk_item("idx", str(i), {"event_id": str(i)}) for i in range(n)]


def test_rejected_items_are_retried_alone_and_mapping_errors_are_kept() -> None:
    # Given a cluster that rejects doc 1 with 429 once and cannot map doc 2
    client = ScriptedClient(per_item({"1": 429, "2": 400}), ok)
    clock = FakeTime()
    # When three documents are sent
    report = sender(client, clock).send(items(3), deadline=60)
    # Then only the rejected one is sent again, and the mapping error is a failure with its reason
    assert client.requests == [["0", "1", "2"], ["1"]]
    assert report.indexed == 2 and report.retries == 1
    assert [(f.item.doc_id, f.status, f.reason["type"]) for f in report.failures] == [
        ("2", 400, "mapper_parsing_exception")
    ]


def test_backoff_doubles_up_to_the_cap() -> None:
    client = ScriptedClient(*[raising(TransportError(503, "unavailable", {}))] * 6, ok)
    clock = FakeTime()
    report = sender(client, clock, base_delay_s=0.1, max_delay_s=0.5).send(items(2), deadline=60)
    assert report.indexed == 2 and report.retries == 6 and not report.failures
    assert clock.sleeps == [0.2, 0.4, 0.5, 0.5, 0.5, 0.5]


def test_an_outage_past_the_deadline_fails_every_document_and_stops_sending() -> None:
    # Given an unreachable cluster and three chunks' worth of documents
    client = ScriptedClient(raising(TransportConnectionError("N/A", "connection refused", Exception())))
    clock = FakeTime()
    # When they are sent with 2 seconds to spare
    report = sender(client, clock, max_docs=2, base_delay_s=0.25, max_delay_s=1.0).send(items(6), deadline=2.0)
    # Then the first chunk was retried until the deadline, the others were not even tried
    assert all(ids == ["0", "1"] for ids in client.requests)
    assert clock.now < 2.0 and report.indexed == 0
    assert [f.item.doc_id for f in report.failures] == ["0", "1", "2", "3", "4", "5"]
    assert "gave up after" in report.failures[0].reason and "ConnectionError" in report.failures[0].reason
    assert report.failures[2].reason.startswith("not sent: gave up")


def test_after_an_outage_the_next_batches_skip_the_cluster_for_the_cooldown() -> None:
    client = ScriptedClient(raising(TransportConnectionError("N/A", "connection refused", Exception())), ok)
    clock = FakeTime()
    send = sender(client, clock, base_delay_s=0.5, max_delay_s=0.5, cooldown_s=10.0).send
    assert send(items(2), deadline=0.4).failures  # gives up at once: the first retry would end too late
    # When the next batch comes within the cooldown, it goes to failed/ without a request
    skipped = send(items(3), deadline=60)
    assert len(client.requests) == 1 and [f.reason.split(":")[0] for f in skipped.failures] == ["not sent"] * 3
    # And after the cooldown the cluster is tried again
    clock.now += 10.0
    assert send(items(3), deadline=60).indexed == 3 and len(client.requests) == 2


def test_a_request_refused_for_good_is_not_retried() -> None:
    client = ScriptedClient(raising(TransportError(403, "forbidden", {})), ok)
    report = sender(client, FakeTime(), max_docs=2).send(items(4), deadline=60)
    # the refused chunk failed without retries; the next chunk was still sent (the cluster is up)
    assert len(client.requests) == 2 and report.retries == 0 and report.indexed == 2
    assert {(f.status, f.reason.split(":")[0]) for f in report.failures} == {(403, "bulk request refused")}


def test_a_request_refused_as_a_whole_is_split_until_only_the_guilty_document_fails() -> None:
    # Given a cluster that refuses (400) any bulk holding document "2", and takes the rest
    def refuse_two(ids: list[str]) -> dict[str, Any]:
        if "2" in ids:
            raise TransportError(400, "action_request_validation_exception", {})
        return ok(ids)

    client = ScriptedClient(*[refuse_two] * 6)
    # When four documents are sent in one bulk
    report = sender(client, FakeTime()).send(items(4), deadline=60)
    # Then halves are tried until "2" is alone: three indexed, one failure, no retry of the same request
    assert client.requests == [["0", "1", "2", "3"], ["0", "1"], ["2", "3"], ["2"], ["3"]]
    assert report.indexed == 3 and report.retries == 0
    assert [(f.item.doc_id, f.status) for f in report.failures] == [("2", 400)]


def test_a_request_too_large_is_split_too() -> None:
    client = ScriptedClient(raising(TransportError(413, "request entity too large", {})), ok, ok)
    report = sender(client, FakeTime()).send(items(4), deadline=60)
    assert client.requests == [["0", "1", "2", "3"], ["0", "1"], ["2", "3"]]
    assert report.indexed == 4 and report.failures == []


def test_items_still_throttled_at_the_deadline_are_failures_with_status_429() -> None:
    client = ScriptedClient(per_item({"0": 429}))
    clock = FakeTime()
    report = sender(client, clock, base_delay_s=1.0, max_delay_s=1.0).send(items(2), deadline=3.5)
    assert report.indexed == 1
    assert [(f.item.doc_id, f.status) for f in report.failures] == [("0", 429)]
    assert len(client.requests) == 4  # at t = 0, 1, 2 and 3 s; a 5th would start after the deadline
