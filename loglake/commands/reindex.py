"""`loglake reindex --lake DIR --url URL [--since T] [--until T] [--recreate]`: rebuild the index from Parquet.

The lake is the system of record; the index is derived. Rows with `since <= event_time < until` are
read with pyarrow.dataset (partition pruning on `dt`, then a filter on `event_time`) and indexed
through the same sink as the Lambda, so `_id`s are the same and re-running only overwrites.
`--recreate` first deletes the daily indices of the range (which must then be whole UTC days), so
nothing that is no longer in the lake survives. Documents OpenSearch rejects go to failed/ as usual.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
from opensearchpy import OpenSearch
from opensearchpy.exceptions import OpenSearchException

from functions.parser.ingest import Summary
from functions.sinks.keys import index_name
from functions.sinks.opensearch import OpenSearchIndexer
from functions.sinks.s3_parquet import TABLE
from loglake.engine import live_paths
from loglake.opensearch_cli import add_connection_options, add_filter_options, client_from_args, local_indexer
from loglake.opensearch_setup import apply_template
from schemas.arrow import arrow_schema
from schemas.events import EVENTS

ROWS_PER_BATCH = 20_000
_PARTITION_FIELDS: list[tuple[str, pa.DataType]] = [("dt", pa.string()), ("hour", pa.int32())]
_PARTITIONS = ds.HivePartitioning(pa.schema(_PARTITION_FIELDS))


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder")
    parser.add_argument("--since", type=_instant, default=None, help="ISO date or time, UTC unless given (inclusive)")
    parser.add_argument("--until", type=_instant, default=None, help="ISO date or time (exclusive; default: now)")
    parser.add_argument("--recreate", action="store_true", help="delete the range's daily indices first")
    add_connection_options(parser)
    add_filter_options(parser)
    parser.set_defaults(run=run)


def lake_tables(lake: Path, since: datetime | None, until: datetime | None) -> Iterator[pa.Table]:
    """The lake's rows in the time range, in tables of about ROWS_PER_BATCH rows (schema columns only)."""
    root = lake / TABLE
    files = [str(p) for p in live_paths(lake)]  # what `events` shows: not the objects compaction replaced
    if not files:
        return
    dataset = ds.dataset(files, format="parquet", partitioning=_PARTITIONS, partition_base_dir=str(root))
    condition = ds.field("event_time").is_valid()
    assert isinstance(condition, ds.Expression)  # the stubs say bool
    if since is not None:
        condition &= ds.field("dt") >= since.strftime("%Y-%m-%d")
        condition &= ds.field("event_time") >= pa.scalar(since.replace(tzinfo=None), pa.timestamp("ms"))
    if until is not None:
        condition &= ds.field("dt") <= until.strftime("%Y-%m-%d")
        condition &= ds.field("event_time") < pa.scalar(until.replace(tzinfo=None), pa.timestamp("ms"))
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in dataset.to_batches(columns=list(EVENTS.names), filter=condition):
        pending.append(batch)
        rows += batch.num_rows
        if rows >= ROWS_PER_BATCH:
            yield pa.Table.from_batches(pending, arrow_schema(EVENTS))
            pending, rows = [], 0
    if rows:
        yield pa.Table.from_batches(pending, arrow_schema(EVENTS))


def daily_indices(index_prefix: str, since: datetime, until: datetime) -> list[str]:
    if since.time() != time.min or until.time() != time.min:
        raise ValueError("--recreate needs --since and --until on whole UTC days (e.g. 2026-11-27)")
    days = (until - since).days
    return [index_name(index_prefix, int((since + timedelta(days=n)).timestamp() * 1000)) for n in range(days)]


def reindex(lake: Path, indexer: OpenSearchIndexer, since: datetime | None, until: datetime | None) -> Summary:
    summary = Summary()
    tag = f"reindex\x1f{since}\x1f{until}"
    for number, table in enumerate(lake_tables(lake, since, until)):
        summary.rows_written += table.num_rows
        summary.add_index(indexer.index(table, f"{tag}\x1f{number}"))
    return summary


def _recreate(client: OpenSearch, args: argparse.Namespace) -> None:
    if args.since is None:
        raise ValueError("--recreate needs --since (and --until) so that it knows which days to delete")
    names = daily_indices(args.index_prefix, args.since, args.until)
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
        print(f"deleted {len(names)} daily index(es) of the range (those that existed)", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    args.until = args.until or datetime.now(UTC)
    client = client_from_args(args)
    try:
        if args.recreate:
            _recreate(client, args)
        apply_template(client, args.index_prefix)
        summary = reindex(args.lake, local_indexer(args, args.lake), args.since, args.until)
    except (OpenSearchException, ValueError) as error:
        print(f"loglake reindex: {error}", file=sys.stderr)
        return 1
    print(
        f"reindexed {summary.rows_written:,} lake rows: {summary.opensearch_indexed:,} indexed, "
        f"{summary.opensearch_skipped:,} filtered out, {summary.opensearch_failed:,} failed (see {args.lake}/failed/)"
    )
    return 1 if summary.opensearch_failed else 0
