"""`loglake groups plan|apply --after-backfill --lake L`: shorten retention where the lake holds the history.

The groups and their stored bytes come from DescribeLogGroups, the live boundary from each group's
`loglake` subscription filter, the coverage from the backfill checkpoints in `<lake>/backfill/`; the
proposal and its saving are `subscription.retention_savings` (pure). `apply --yes` sets the proposed
retention of the covered groups and nothing else.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from functions.backfill import checkpoint
from functions.backfill.reader import GroupInfo, describe_groups, logs_client
from functions.backfill.runner import Lake
from functions.backfill.throttle import Throttle
from functions.clock import now_ms
from loglake.commands.errors import FAILURE, UsageError
from loglake.commands.lakes import open_lake
from subscription.apply import Status, apply_group
from subscription.plan import Action, ActionKind, GroupPlan, LogGroupState, PlanSettings
from subscription.retention_savings import (
    GB,
    STORAGE_PRICE_AS_OF,
    STORAGE_USD_PER_GB_MONTH,
    BackfillRecord,
    GroupFacts,
    Proposal,
    propose,
)
from subscription.rules_loader import load_rules_file

EXIT_OK, EXIT_FAILED = 0, FAILURE
HEADERS = ("LOG GROUP", "STORED", "RETENTION", "PROPOSED", "SAVES/MONTH", "WHY")


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--after-backfill",
        action="store_true",
        help="propose the rules' shorter retention for the groups the lake fully covers (needs --lake)",
    )
    parser.add_argument("--lake", default=None, help="with --after-backfill: the lake (folder or s3://bucket/prefix)")
    parser.add_argument(
        "--storage-price",
        type=float,
        default=STORAGE_USD_PER_GB_MONTH,
        help=f"USD per GB-month of CloudWatch Logs storage (default {STORAGE_USD_PER_GB_MONTH}: {STORAGE_PRICE_AS_OF})",
    )


def _facts(client: object, info: GroupInfo) -> GroupFacts:
    tags: dict[str, str] = {}
    if info.arn:
        tags = dict(client.list_tags_for_resource(resourceArn=info.arn).get("tags", {}))  # type: ignore[attr-defined]
    return GroupFacts(
        name=info.name,
        stored_bytes=info.stored_bytes,
        created_ms=info.created_ms or 0,
        retention_days=info.retention_days,
        live_since_ms=info.live_since_ms,
        tags=tags,
    )


def _record(lake: Lake, name: str) -> BackfillRecord | None:
    saved = checkpoint.load(lake.store, lake.prefix, name)
    if saved is None:
        return None
    return BackfillRecord(saved.start_ms, saved.end_ms, saved.ingested_before, saved.complete)


def run(args: argparse.Namespace, *, apply: bool, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if not args.lake:
        raise UsageError("--after-backfill needs --lake (where the backfill wrote)")
    rules = load_rules_file(args.rules)  # a RulesError names the file and line: a usage error
    lake = open_lake(args.lake, args.region)
    client = logs_client(args.region, args.endpoint_url)
    infos = describe_groups(client, Throttle(ceiling=1, rate=5.0), time.sleep, prefix=args.prefix)
    facts = [_facts(client, info) for info in infos]
    records = {f.name: r for f in facts if (r := _record(lake, f.name)) is not None}
    proposals = propose(facts, records, rules, now_ms(), args.storage_price)
    print_proposals(proposals, args.storage_price, out)
    if not apply or args.dry_run:
        verb = "dry run: nothing changed" if apply else "read-only"
        print(f"{verb}; apply with: loglake groups apply --after-backfill --lake {args.lake} --yes", file=out)
        return EXIT_OK
    return _apply(client, [p for p in proposals if p.changes], out)


def _apply(client: object, proposals: list[Proposal], out: TextIO) -> int:
    settings = PlanSettings(parser_arn="", parser_log_group="")  # only retention is set here
    failed = 0
    for proposal in proposals:
        name = proposal.log_group
        plan = GroupPlan(
            group=LogGroupState(name=name, retention_days=proposal.current_days),
            rule=proposal.rule,
            retention=Action(ActionKind.SET_RETENTION, name, proposal.reason, retention_days=proposal.proposed_days),
            subscription=Action(ActionKind.KEEP, name, "left as it is"),
        )
        result = apply_group(client, plan, settings)  # type: ignore[arg-type]
        failed += result.status is Status.FAILED
        detail = next((r.error for r in result.results if r.error), "")
        print(f"{result.status.value:<11} {name} -> {proposal.proposed_days}d {detail}".rstrip(), file=out)
    return EXIT_FAILED if failed else EXIT_OK


def _days(days: int | None) -> str:
    return "never" if days is None else f"{days}d"


def print_proposals(proposals: list[Proposal], price: float, out: TextIO) -> None:
    rows = [HEADERS]
    for p in proposals:
        proposed = _days(p.proposed_days) if p.changes else "-"
        saves = f"${p.saved_usd_month:,.2f}" if p.changes else "-"
        rows.append((p.log_group, f"{p.stored_bytes / GB:,.2f} GB", _days(p.current_days), proposed, saves, p.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS) - 1)]
    for row in rows:
        print("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]).rstrip(), file=out)
    changing = [p for p in proposals if p.changes]
    total = sum(p.saved_usd_month for p in changing)
    covered = sum(1 for p in proposals if p.covered)
    print(
        f"{covered} of {len(proposals)} group(s) fully in the lake; shortening {len(changing)} saves "
        f"${total:,.2f} a month of CloudWatch Logs storage (at ${price}/GB-month)",
        file=out,
    )
