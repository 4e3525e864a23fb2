"""A real OpenSearch node for the suite (registered in tests/conftest.py), and a fault proxy in front of it.

The node starts once per session, on first use, from the jars `opensearch/pom.xml` fetches into
`.cache/opensearch` (Maven, first run only). If it cannot start, every test that needs it fails with
the reason — nothing is skipped. Each test gets its own index prefix, so tests never see each other.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from opensearchpy import OpenSearch

from functions.sinks.opensearch import BulkConfig, BulkSender, OpenSearchIndexer
from functions.sinks.s3_parquet import LocalStore
from loglake.opensearch_node import LocalNode, NodeError
from loglake.opensearch_setup import apply_template
from loglake.synth import Dataset, generate

START_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    node = LocalNode()
    try:
        url = node.start()
    except NodeError as error:
        pytest.fail(f"the local OpenSearch node could not start (Maven + Java 17 needed): {error}", pytrace=False)
    yield url
    node.stop()


@pytest.fixture
def os_client(opensearch_url: str) -> OpenSearch:
    return OpenSearch(hosts=[opensearch_url], max_retries=0, timeout=60)


@pytest.fixture
def index_prefix(os_client: OpenSearch) -> Iterator[str]:
    """A fresh prefix with the template applied; its indices and template are removed afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    apply_template(os_client, prefix)
    yield prefix
    os_client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)
    os_client.indices.delete_index_template(name=prefix, ignore=[404])


@pytest.fixture(scope="session")
def small_dataset() -> Dataset:
    """Two hours across midnight (two daily indices) of four functions and an API: ~3k events."""
    return generate(
        seed=5, start_ms=START_MS - 3_600_000, hours=2, invocations_per_hour=250, max_events_per_delivery=300
    )


def make_indexer(client: OpenSearch, lake: Path, prefix: str, **config: Any) -> OpenSearchIndexer:
    sender = BulkSender(client, BulkConfig(**config))
    return OpenSearchIndexer(sender=sender, store=LocalStore(lake), lake_prefix="", index_prefix=prefix)


def index_without_column(os_client: OpenSearch, prefix: str, column: str) -> None:
    """The 2026-11-27 index made by an older template that lacks `column` (its documents are rejected)."""
    from schemas.events import EVENTS
    from schemas.opensearch import index_template

    mapping = index_template(EVENTS, prefix)["template"]["mappings"]
    del mapping["properties"][column]
    os_client.indices.delete_index_template(name=prefix)
    os_client.indices.create(index=f"{prefix}-2026.11.27", body={"mappings": mapping})
    apply_template(os_client, prefix)


def replay_once_fixed(replay: list[str], url: str, prefix: str) -> int:
    """`opensearch setup` (it adds the missing column), then the replay; the replay's exit code."""
    from loglake.cli import main

    assert main(["opensearch", "setup", "--url", url, "--index-prefix", prefix]) == 0
    return main(replay)


def lake_table(lake: Path) -> pa.Table:
    return ds.dataset(lake / "events", format="parquet", partitioning="hive").to_table()


def count(client: OpenSearch, prefix: str, query: dict[str, Any] | None = None) -> int:
    client.indices.refresh(index=f"{prefix}-*")
    body = {"query": query} if query else None
    return int(client.count(index=prefix, body=body)["count"])


def all_sources(client: OpenSearch, prefix: str) -> dict[str, dict[str, Any]]:
    """`_id` → `_source` of every document behind the alias (a sliced scroll would be overkill here)."""
    client.indices.refresh(index=f"{prefix}-*")
    found: dict[str, dict[str, Any]] = {}
    search_after: list[Any] | None = None
    while True:
        body: dict[str, Any] = {"size": 5000, "sort": [{"event_id": "asc"}]}
        if search_after:
            body["search_after"] = search_after
        hits = client.search(index=prefix, body=body)["hits"]["hits"]
        if not hits:
            return found
        found.update({hit["_id"]: hit["_source"] for hit in hits})
        search_after = hits[-1]["sort"]


class _HoldingServer(ThreadingHTTPServer):
    """Counts each connection as held by the proxy until its handler is done (one request a connection:
    HTTP/1.0), even when the client has given up on it."""

    proxy: FaultProxy

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self.proxy.holding():
            super().process_request_thread(request, client_address)


@dataclass
class FaultProxy:
    """An HTTP proxy on 127.0.0.1 in front of the node: answers the first `bulk_failures` bulk requests
    with `status` itself (a throttled or overloaded cluster), and forwards everything else.

    With `ism` set to a dict, it also plays the ISM plugin's policy API (GET / PUT with seq_no checks),
    which the local node lacks, so that `setup`'s policy path runs against the node's other APIs."""

    upstream: str
    bulk_failures: int = 0
    status: int = 429
    # How a failing bulk request fails: "status" (answered with `status`), "reset" (the connection is
    # reset, no answer), "slow" (forwarded after `slow_s`: the client times out, the node still indexes),
    # "partial" (every other document is rejected in the bulk answer with `item_status`, the rest indexed)
    mode: str = "status"
    slow_s: float = 1.0
    item_status: int = 429
    bulk_calls: int = 0
    ism: dict[str, dict[str, Any]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    relaying: int = 0  # requests the proxy holds (a "slow" one until the node has answered it)
    idle: threading.Condition = field(default_factory=threading.Condition)

    def ism_answer(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        assert self.ism is not None
        url = urlsplit(path)
        pid = url.path.rsplit("/", 1)[-1]
        current = self.ism.get(pid)
        if method == "GET":
            if current is None:
                return 404, {"error": {"type": "status_exception", "reason": "Policy not found"}, "status": 404}
            return 200, current
        query = dict(part.split("=", 1) for part in url.query.split("&") if part)
        if current is not None and query.get("if_seq_no") != str(current["_seq_no"]):
            return 409, {"error": {"type": "version_conflict_engine_exception"}, "status": 409}
        seq_no = 0 if current is None else current["_seq_no"] + 1
        self.ism[pid] = {"_id": pid, "_seq_no": seq_no, "_primary_term": 1, **json.loads(body)}
        return 201 if current is None else 200, self.ism[pid]

    def __post_init__(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.ism is not None and self.path.startswith("/_plugins/_ism/policies/"):
                    status, answer = proxy.ism_answer(self.command, self.path, body)
                    self._answer(status, json.dumps(answer).encode(), "application/json")
                    return
                if "/_bulk" in self.path and proxy.take_failure():
                    if proxy.mode == "reset":
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self.close_connection = True
                        return
                    if proxy.mode == "slow":
                        time.sleep(proxy.slow_s)
                    elif proxy.mode == "partial":
                        self._partial(body)
                        return
                    else:
                        payload = b'{"error":{"type":"es_rejected_execution_exception","reason":"x"},"status":%d}'
                        self._answer(proxy.status, payload % proxy.status, "application/json")
                        return
                self._forward(body)

            def _forward(self, body: bytes) -> tuple[int, bytes]:
                target = urlsplit(proxy.upstream)
                connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                status, answer = response.status, response.read()
                if not getattr(self, "rewriting", False):
                    with contextlib.suppress(OSError):  # the client may have given up already ("slow")
                        self._answer(status, answer, response.getheader("Content-Type", "application/json"))
                connection.close()
                return status, answer

            def _partial(self, body: bytes) -> None:
                """Forward every other document; answer for all, the others rejected with `item_status`."""
                lines = body.decode().splitlines()
                pairs = [lines[i : i + 2] for i in range(0, len(lines), 2)]
                kept = [p for n, p in enumerate(pairs) if n % 2 == 0]
                self.rewriting = True  # the forwarded answer is ours to rewrite, not the client's
                _, answer = self._forward(("\n".join(line for p in kept for line in p) + "\n").encode())
                self.rewriting = False
                upstream = iter(json.loads(answer).get("items", []))
                rejected = {"status": proxy.item_status, "error": {"type": "simulated_rejection", "reason": "x"}}
                items = [next(upstream) if n % 2 == 0 else {"index": rejected} for n in range(len(pairs))]
                self._answer(200, json.dumps({"errors": True, "items": items}).encode(), "application/json")

            def _answer(self, status: int, payload: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay

        self.server = _HoldingServer(("127.0.0.1", 0), Handler)
        self.server.proxy = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Counts a request as held while it is relayed (see `settle`)."""
        with self.idle:
            self.relaying += 1
        try:
            yield
        finally:
            with self.idle:
                self.relaying -= 1
                self.idle.notify_all()

    def settle(self, timeout_s: float = 60.0) -> None:
        """Wait until no request is held: a "slow" bulk the client gave up on still reaches the node, and
        what the index holds is only final once it has."""
        with self.idle:
            if not self.idle.wait_for(lambda: self.relaying == 0, timeout_s):
                raise TimeoutError(f"{self.relaying} requests still held by the fault proxy after {timeout_s} s")

    def take_failure(self) -> bool:
        with self.lock:
            self.bulk_calls += 1
            return self.bulk_calls <= self.bulk_failures

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fault_proxy(opensearch_url: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(opensearch_url)
    yield proxy
    proxy.close()
