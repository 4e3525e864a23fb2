"""`loglake reindex --lake DIR|s3://bucket/prefix --url URL [--since T] [--until T] [--recreate]`: rebuild
the index from Parquet.

The lake is the system of record; the index is derived. The lake is a folder or S3 (read through the
same object store as the backfill and the compactor). Rows with `since <= event_time < until` of the
objects `events` shows (the compactor's visibility rule: `functions/compactor/visibility.py`) are read
(partition pruning on `dt`, then a filter on `event_time`) and indexed through the same sink as the
Lambda, so `_id`s are the same and re-running only overwrites.
`--recreate` first deletes the daily indices of the range (which must then be whole UTC days), so
nothing that is no longer in the lake survives. Documents OpenSearch rejects go to failed/ as usual.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from opensearchpy import OpenSearch

from functions.backfill.runner import Lake
from functions.compactor import visibility
from functions.compactor.store import LakeStore
from functions.parser.ingest import Summary
from functions.sinks.keys import index_name
from functions.sinks.opensearch import OpenSearchIndexer
from loglake.commands.errors import UsageError
from loglake.commands.lakes import open_lake
from loglake.opensearch_cli import add_connection_options, add_filter_options, client_from_args, lake_indexer
from loglake.opensearch_setup import apply_template
from schemas.arrow import arrow_schema
from schemas.events import EVENTS

ROWS_PER_BATCH = 20_000


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lake", required=True, help="the lake: a folder or s3://bucket/prefix (default prefix lake/)")
    parser.add_argument("--since", type=_instant, default=None, help="ISO date or time, UTC unless given (inclusive)")
    parser.add_argument("--until", type=_instant, default=None, help="ISO date or time (exclusive; default: now)")
    parser.add_argument("--recreate", action="store_true", help="delete the range's daily indices first")
    add_connection_options(parser)
    add_filter_options(parser)
    parser.set_defaults(run=run)


def live_keys(store: LakeStore, prefix: str, since: datetime | None, until: datetime | None) -> list[str]:
    """The data objects `events` shows in the days of the range (the compactor's visibility rule)."""
    first = None if since is None else since.strftime("%Y-%m-%d")
    last = None if until is None else until.strftime("%Y-%m-%d")
    return visibility.live_keys(store, prefix, first, last)


def _schema_columns(table: pa.Table) -> pa.Table:
    """The schema's columns in its order and types; a column an older object lacks is null."""
    schema = arrow_schema(EVENTS)
    columns = [
        table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type) for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def lake_tables(lake: Lake, since: datetime | None, until: datetime | None) -> Iterator[pa.Table]:
    """The lake's rows in the time range, in tables of about ROWS_PER_BATCH rows (schema columns only)."""
    pending: list[pa.Table] = []
    rows = 0
    for key in live_keys(lake.store, lake.prefix, since, until):
        table = _schema_columns(pq.read_table(io.BytesIO(lake.store.get(key)), partitioning=None))
        times, moment = table["event_time"], pa.timestamp("ms")
        keep = pc.is_valid(times)
        if since is not None:
            keep = pc.and_(keep, pc.greater_equal(times, pa.scalar(since.replace(tzinfo=None), moment)))
        if until is not None:
            keep = pc.and_(keep, pc.less(times, pa.scalar(until.replace(tzinfo=None), moment)))
        table = table.filter(keep)
        if table.num_rows:
            pending.append(table)
            rows += table.num_rows
        if rows >= ROWS_PER_BATCH:
            yield pa.concat_tables(pending).combine_chunks()
            pending, rows = [], 0
    if rows:
        yield pa.concat_tables(pending).combine_chunks()


def daily_indices(index_prefix: str, since: datetime, until: datetime) -> list[str]:
    if since.time() != time.min or until.time() != time.min:
        raise UsageError("--recreate needs --since and --until on whole UTC days (e.g. 2026-11-27)")
    days = (until - since).days
    return [index_name(index_prefix, int((since + timedelta(days=n)).timestamp() * 1000)) for n in range(days)]


def reindex(lake: Lake, indexer: OpenSearchIndexer, since: datetime | None, until: datetime | None) -> Summary:
    summary = Summary()
    tag = f"reindex\x1f{since}\x1f{until}"
    for number, table in enumerate(lake_tables(lake, since, until)):
        summary.rows_written += table.num_rows
        summary.add_index(indexer.index(table, f"{tag}\x1f{number}"))
    return summary


def _recreate(client: OpenSearch, args: argparse.Namespace) -> None:
    if args.since is None:
        raise UsageError("--recreate needs --since (and --until) so that it knows which days to delete")
    names = daily_indices(args.index_prefix, args.since, args.until)
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
        print(f"deleted {len(names)} daily index(es) of the range (those that existed)", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    lake = open_lake(args.lake, args.aws_region)  # refused before anything is deleted or written
    args.until = args.until or datetime.now(UTC)
    client = client_from_args(args)
    if args.recreate:
        _recreate(client, args)
    apply_template(client, args.index_prefix)
    summary = reindex(lake, lake_indexer(args, lake.store, lake.prefix), args.since, args.until)
    print(
        f"reindexed {summary.rows_written:,} lake rows: {summary.opensearch_indexed:,} indexed, "
        f"{summary.opensearch_skipped:,} filtered out, {summary.opensearch_failed:,} failed "
        f"(see {lake.description}/failed/)"
    )
    return 1 if summary.opensearch_failed else 0
