"""The default redaction against a corpus of secrets printed the way real applications print them.

`tests/events/secrets/leaks.jsonl` holds one log line per secret shape (see the README there), each with
the secrets it carries; `keep.jsonl` holds lines full of identifiers that look random but are not
secrets. Both go through the parser handler into a local lake (and the leaks into the real OpenSearch
node too), with the redaction rules the parser uses when nothing is configured.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
from opensearchpy import OpenSearch

from functions.parser.ingest import Ingestor, Summary
from functions.parser.redact import Redactor
from functions.parser.settings import Settings
from functions.parser.wiring import handle
from functions.sinks.outcome import Indexer
from functions.sinks.s3_parquet import LocalStore
from tests.opensearch_support import all_sources, make_indexer
from tests.support import EVENTS, awslogs_event

CORPUS = EVENTS / "secrets"
START_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z


def load(name: str) -> list[dict[str, Any]]:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


LEAKS = load("leaks.jsonl")
KEEP = load("keep.jsonl")


def default_redactor() -> Redactor:
    """What the parser Lambda runs with when LOGLAKE_REDACT is not set."""
    return Settings.from_env({"LOGLAKE_BUCKET": "lake"}).redactor


def payloads(entries: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One subscription payload per log group, events in corpus order, one id per corpus line."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for n, entry in enumerate(entries):
        groups[entry["group"]].append((n, entry))
    for group, members in groups.items():
        yield {
            "messageType": "DATA_MESSAGE",
            "owner": "123456789012",
            "logGroup": group,
            "logStream": "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
            "subscriptionFilters": ["loglake"],
            "logEvents": [
                {"id": str(36 * 10**54 + n), "timestamp": START_MS + n, "message": entry["message"]}
                for n, entry in members
            ],
        }


def ingest(lake: Path, entries: list[dict[str, Any]], redactor: Redactor, indexer: Indexer | None = None) -> Summary:
    ingestor = Ingestor(
        store=LocalStore(lake),
        prefix="",
        region="eu-west-1",
        clock=lambda: START_MS,
        indexer=indexer,
        redactor=redactor,
    )
    total = Summary()
    for payload in payloads(entries):
        summary, _ = handle(awslogs_event(payload), ingestor)
        total.merge(summary)
    return total


def lake_rows(lake: Path) -> list[dict[str, Any]]:
    table = ds.dataset(lake / "events", format="parquet", partitioning="hive").to_table()
    return sorted(table.to_pylist(), key=lambda row: row["event_id"])


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


def unescaped(text: str) -> str:
    """`text` with JSON / repr escapes decoded once (\\u0041 → A, \\" → ")."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u" else m.group(1), text)


def readings(text: str) -> set[str]:
    """The ways a reader (or a JSON parser, once or twice) could see `text`."""
    once = unescaped(text)
    return {text, once, unescaped(once)}


def fragments(secret: str) -> set[str]:
    """The secret and every piece of it long enough to be recognisable on its own."""
    pieces = {p for p in re.split(r"[\s\\\"']+", secret) if len(p) >= 6}
    return {secret, *pieces}


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def leaks_in(documents: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(corpus id, field, fragment) for every secret fragment found in any string of any document."""
    found = []
    for entry in LEAKS:
        wanted = {f for secret in entry["secrets"] for f in fragments(secret)}
        for doc_id, doc in documents.items():
            for field, value in doc.items():
                seen = {reading for text in strings(value) for reading in readings(text)}
                found.extend((entry["id"], f"{doc_id}.{field}", f) for f in wanted if any(f in s for s in seen))
    return found


def test_the_corpus_is_large_and_every_secret_is_in_its_line() -> None:
    assert len(LEAKS) >= 40 and len(KEEP) >= 20
    assert len({e["id"] for e in LEAKS + KEEP}) == len(LEAKS) + len(KEEP)
    for entry in LEAKS:
        for secret in entry["secrets"]:
            assert any(secret in r for r in readings(entry["message"])), entry["id"]
    for entry in KEEP:
        for kept in entry["keep"]:
            assert kept in entry["message"], entry["id"]


def test_the_cli_and_the_lambda_share_the_default() -> None:
    assert Redactor() == default_redactor()


def test_no_secret_of_the_corpus_reaches_any_parquet_column(tmp_path: Path) -> None:
    # Given the corpus as CloudWatch deliveries and the default redaction
    # When the handler ingests them into a local lake
    summary = ingest(tmp_path, LEAKS, default_redactor())
    # Then every line is a row, and no string column of any row holds any secret or a piece of one
    rows = lake_rows(tmp_path)
    assert len(rows) == len(LEAKS) == summary.rows_written
    assert leaks_in({row["event_id"]: row for row in rows}) == []
    assert summary.redacted_values >= sum(len(e["secrets"]) for e in LEAKS) // 2


def test_no_secret_of_the_corpus_reaches_opensearch(tmp_path: Path, os_client: OpenSearch, index_prefix: str) -> None:
    # Given the handler indexing into the real node, with the default redaction
    indexer = make_indexer(os_client, tmp_path, index_prefix)
    # When the corpus is ingested
    summary = ingest(tmp_path, LEAKS, default_redactor(), indexer)
    # Then every line is a document, and no `_source` field holds a secret
    sources = all_sources(os_client, index_prefix)
    assert summary.opensearch_indexed == len(sources) == len(LEAKS) and summary.opensearch_failed == 0
    assert leaks_in(sources) == []


def test_identifiers_and_numbers_that_look_random_are_left_alone(tmp_path: Path) -> None:
    # Given lines full of request ids, trace ids, hashes, ARNs, S3 keys, timestamps and durations
    # When they are ingested with the default redaction, and separately with none
    summary = ingest(tmp_path / "default", KEEP, default_redactor())
    plain = ingest(tmp_path / "none", KEEP, Redactor(()))
    # Then nothing was replaced: every column of every row is what it is without redaction
    redacted, untouched = lake_rows(tmp_path / "default"), lake_rows(tmp_path / "none")
    assert summary.redacted_values == 0 and plain.rows_written == len(KEEP)
    assert redacted == untouched
    raw = {row["event_id"]: row["raw"] for row in redacted}
    for n, entry in enumerate(KEEP):
        for kept in entry["keep"]:
            assert kept in raw[str(36 * 10**54 + n)], entry["id"]
