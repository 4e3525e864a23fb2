"""Options shared by the commands that talk to OpenSearch, and the indexer they build for a local lake.

The same sink as the Lambda (`functions/sinks/opensearch.py`): failures go to `<lake>/failed/opensearch/`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from functions.parser.ingest import Summary
from functions.parser.settings import AUTH_MODES, OpenSearchSettings
from functions.parser.wiring import build_indexer
from functions.sinks.s3_parquet import LocalStore, ObjectStore
from loglake.commands.errors import UsageError
from schemas.events import LEVELS, RECORD_TYPES, SOURCES
from schemas.opensearch import DEFAULT_INDEX_PREFIX, DEFAULT_RETENTION_DAYS

if TYPE_CHECKING:  # the client libraries load when a command talks to OpenSearch: `ingest` alone doesn't pay
    from opensearchpy import OpenSearch

    from functions.sinks.opensearch import OpenSearchIndexer


def add_connection_options(parser: argparse.ArgumentParser, optional_flag: str | None = None) -> None:
    """`--url URL --auth ... --index-prefix ...`; with `optional_flag` (e.g. "--opensearch"), the URL is
    optional, given by that flag, and the other options are prefixed with it (`--opensearch-auth`...)."""
    env = os.environ.get
    pre = "" if optional_flag is None else f"{optional_flag.lstrip('-')}-"
    default_url = env("LOGLAKE_OPENSEARCH_URL") if optional_flag is None else None
    parser.add_argument(
        optional_flag or "--url",
        dest="opensearch_url",
        metavar="URL",
        default=default_url,
        required=optional_flag is None and not default_url,
        help="OpenSearch endpoint, e.g. http://127.0.0.1:9200"
        + ("" if optional_flag else " [$LOGLAKE_OPENSEARCH_URL]"),
    )
    parser.add_argument(
        f"--{pre}auth", dest="opensearch_auth", choices=AUTH_MODES, default=env("LOGLAKE_OPENSEARCH_AUTH", "none")
    )
    parser.add_argument(
        f"--{pre}secret-arn", dest="secret_arn", default=env("LOGLAKE_OPENSEARCH_SECRET_ARN"), help="basic-secret"
    )
    parser.add_argument(f"--{pre}region", dest="aws_region", default=None, help="SigV4 region (default: AWS config)")
    parser.add_argument(f"--{pre}insecure", dest="insecure", action="store_true", help="skip TLS verification")
    parser.add_argument(
        f"--{pre}index-prefix",
        dest="index_prefix",
        default=env("LOGLAKE_OPENSEARCH_INDEX_PREFIX", DEFAULT_INDEX_PREFIX),
        help="daily indices <prefix>-yyyy.MM.dd behind the alias <prefix>",
    )


def add_filter_options(parser: argparse.ArgumentParser, pre: str = "") -> None:
    parser.add_argument(
        f"--{pre}min-level", dest="min_level", type=str.upper, choices=LEVELS, default=None, help="lowest level indexed"
    )
    parser.add_argument(f"--{pre}sources", dest="sources", default=None, help=f"comma-separated: {', '.join(SOURCES)}")
    parser.add_argument(f"--{pre}record-types", dest="record_types", default=None, help="comma-separated record types")


def add_index_options(parser: argparse.ArgumentParser) -> None:
    """For `ingest` and `demo`: `--opensearch URL` also indexes what goes into the lake."""
    add_connection_options(parser, "--opensearch")
    add_filter_options(parser, "opensearch-")


def add_retention_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--retention-days", type=_days, default=DEFAULT_RETENTION_DAYS, help="ISM: delete a daily index after N days"
    )


def _days(text: str) -> int:
    """An argparse type: a whole number of days, at least 1 (the ISM policy's `min_index_age`)."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"{days}: retention must be at least 1 day")
    return days


def _set(text: str | None, allowed: tuple[str, ...], flag: str) -> frozenset[str] | None:
    if not text:
        return None
    values = frozenset(v.strip() for v in text.split(",") if v.strip())
    unknown = values - set(allowed)
    if unknown:
        raise UsageError(f"{flag}: unknown {', '.join(sorted(unknown))} (allowed: {', '.join(allowed)})")
    return values


def settings_from_args(args: argparse.Namespace) -> OpenSearchSettings:
    return OpenSearchSettings(
        url=args.opensearch_url,
        auth=args.opensearch_auth,
        secret_arn=args.secret_arn,
        index_prefix=args.index_prefix,
        min_level=getattr(args, "min_level", None),
        sources=_set(getattr(args, "sources", None), SOURCES, "--sources"),
        record_types=_set(getattr(args, "record_types", None), RECORD_TYPES, "--record-types"),
        verify_certs=not args.insecure,
    )


def client_from_args(args: argparse.Namespace) -> OpenSearch:
    from functions.sinks.opensearch_auth import build_client

    settings = settings_from_args(args)
    return build_client(
        settings.url,
        settings.auth,
        region=args.aws_region,
        secret_arn=settings.secret_arn,
        verify_certs=settings.verify_certs,
    )


def local_indexer(args: argparse.Namespace, lake: Path) -> OpenSearchIndexer:
    """The Lambda's indexer, with its failures kept under the lake folder."""
    return lake_indexer(args, LocalStore(lake), "")


def lake_indexer(args: argparse.Namespace, store: ObjectStore, prefix: str) -> OpenSearchIndexer:
    """The Lambda's indexer, with its failures kept in the lake (`<prefix>failed/opensearch/` on `store`)."""
    return build_indexer(settings_from_args(args), store, prefix, args.aws_region)


def indexer_for_lake(args: argparse.Namespace, lake: Path, err: TextIO | None = None) -> OpenSearchIndexer | None:
    """None without `--opensearch`; otherwise the cluster is set up (idempotent) and the indexer built."""
    err = err or sys.stderr  # the stream of the moment, not of import time
    if not args.opensearch_url:
        return None
    from loglake.opensearch_setup import setup

    report = setup(client_from_args(args), args.index_prefix, DEFAULT_RETENTION_DAYS)
    for line in report.lines():
        print(f"opensearch {line}", file=err)
    return local_indexer(args, lake)


def index_summary(summary: Summary) -> str:
    text = (
        f"opensearch: {summary.opensearch_indexed:,} documents indexed, {summary.opensearch_failed:,} failed, "
        f"{summary.opensearch_skipped:,} filtered out, {summary.opensearch_retries:,} retries"
    )
    return text + (
        " (failures in <lake>/failed/opensearch/: loglake replay-failed)" if summary.opensearch_failed else ""
    )
