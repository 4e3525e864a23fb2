"""`loglake groups plan|apply`: retention rules and parser subscriptions for existing log groups.

`plan` only reads. `apply` is a dry run unless `--yes` is given: it prints the same table and changes
nothing; with `--yes` it applies the plan, with progress on stderr and a summary on stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from loglake.commands import after_backfill
from loglake.commands.errors import FAILURE, UsageError
from subscription.apply import (
    GroupResult,
    ReadResult,
    Status,
    apply_plan,
    current_account_policy,
    error_text,
    logs_client,
    put_account_policy,
    read_states,
    summarize,
)
from subscription.plan import (
    Action,
    ActionKind,
    GroupPlan,
    Plan,
    PlanSettings,
    default_parser_log_group,
    plan_groups,
)
from subscription.rules import RuleSet
from subscription.rules_loader import DEFAULT_RULES_PATH, load_rules_file

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

EXIT_OK, EXIT_FAILED = 0, FAILURE
HEADERS = ("LOG GROUP", "CLASS", "RETENTION", "SUBSCRIPTION", "RULE", "PLAN")


def register(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    _add_common_options(common)
    groups = parser
    groups.description = "Plan or apply loglake's log group rules (retention, subscription to the parser)."
    actions = groups.add_subparsers(dest="groups_command", required=True, metavar="ACTION")
    plan = actions.add_parser("plan", parents=[common], help="show every group and what would change (read-only)")
    plan.set_defaults(run=run_plan)
    apply = actions.add_parser(
        "apply",
        parents=[common],
        help="apply the plan; a dry run unless --yes",
        description="Apply the plan. Without --yes this is a dry run: it prints the plan and changes "
        "nothing. With --yes (alias --no-dry-run) it changes retention and subscription filters.",
    )
    mode = apply.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run", dest="dry_run", action="store_true", default=True, help="change nothing (the default)"
    )
    mode.add_argument("--yes", "--no-dry-run", dest="dry_run", action="store_false", help="really apply the changes")
    apply.set_defaults(run=run_apply)


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    env = os.environ.get
    parser.add_argument("--region", default=None, help="AWS region (default: from the AWS config)")
    parser.add_argument("--endpoint-url", default=None, help="CloudWatch Logs endpoint (moto server, local)")
    parser.add_argument(
        "--rules", type=Path, default=DEFAULT_RULES_PATH, help="rules YAML (default: the bundled rules)"
    )
    parser.add_argument(
        "--parser-arn", default=env("LOGLAKE_PARSER_ARN"), help="parser Lambda ARN [$LOGLAKE_PARSER_ARN]"
    )
    parser.add_argument(
        "--parser-log-group",
        default=env("LOGLAKE_PARSER_LOG_GROUP"),
        help="the parser's own log group, never subscribed (default: /aws/lambda/<parser function>)",
    )
    parser.add_argument(
        "--own-log-group", action="append", default=[], help="another group never to subscribe (repeatable)"
    )
    parser.add_argument("--prefix", default=None, help="only log groups whose name starts with this")
    parser.add_argument(
        "--account-policy",
        action="store_true",
        default=env("LOGLAKE_ACCOUNT_POLICY", "").lower() in {"1", "true", "yes", "on"},
        help="use one account-level subscription policy instead of per-group filters",
    )
    after_backfill.add_options(parser)


@dataclass(frozen=True)
class Context:
    rules: RuleSet
    settings: PlanSettings
    client: CloudWatchLogsClient


def _context(args: argparse.Namespace) -> Context:
    """The rules, the settings and the client; an argument that can't give them raises a usage error."""
    rules = load_rules_file(args.rules)  # a RulesError names the file and line: a usage error
    if not args.parser_arn:
        raise UsageError("the parser ARN is needed: --parser-arn or $LOGLAKE_PARSER_ARN")
    try:
        parser_log_group = args.parser_log_group or default_parser_log_group(args.parser_arn)
    except ValueError as error:
        raise UsageError(f"--parser-arn: {error}") from error
    settings = PlanSettings(
        parser_arn=args.parser_arn,
        parser_log_group=parser_log_group,
        own_log_groups=frozenset(args.own_log_group),
        account_policy=args.account_policy,
    )
    return Context(rules=rules, settings=settings, client=logs_client(args.region, args.endpoint_url))


def _read_and_plan(ctx: Context, prefix: str | None, err: TextIO) -> tuple[ReadResult, Plan]:
    print("reading log groups…", file=err)
    read = read_states(ctx.client, prefix)
    for failure in read.failures:
        print(f"cannot read {failure.log_group}: {failure.error}", file=err)
    current = None
    if ctx.settings.account_policy:
        try:
            current = current_account_policy(ctx.client, ctx.settings.filter_name)
        except (ClientError, BotoCoreError) as error:
            print(f"cannot read the account policy ({error_text(error)}): it will be put", file=err)
    return read, plan_groups(read.states, ctx.rules, ctx.settings, current)


def run_plan(args: argparse.Namespace) -> int:
    if args.after_backfill:
        return after_backfill.run(args, apply=False)
    ctx = _context(args)
    read, plan = _read_and_plan(ctx, args.prefix, sys.stderr)
    print_plan(plan, sys.stdout)
    print(f"{plan.change_count} change(s) planned; apply them with: loglake groups apply --yes")
    return EXIT_FAILED if read.failures else EXIT_OK


def run_apply(args: argparse.Namespace) -> int:
    if args.after_backfill:
        return after_backfill.run(args, apply=True)
    ctx = _context(args)
    read, plan = _read_and_plan(ctx, args.prefix, sys.stderr)
    print_plan(plan, sys.stdout)
    if args.dry_run:
        print(f"dry run: nothing changed ({plan.change_count} change(s) planned); re-run with --yes to apply")
        return EXIT_FAILED if read.failures else EXIT_OK
    policy_error = None
    if plan.account_policy is not None:
        policy_error = put_account_policy(ctx.client, plan.account_policy)
        print(f"account policy: {policy_error or 'applied'}", file=sys.stderr)
    progress = Progress(len(plan.groups), sys.stderr)
    results = apply_plan(ctx.client, plan, ctx.settings, progress.step)
    progress.done()
    summary = summarize(results, read.failures)
    print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in summary.as_dict().items()))
    for result in results:
        for item in result.results:
            if item.status is Status.FAILED:
                print(f"FAILED {item.action.log_group}: {item.action.kind.value}: {item.error}")
    return EXIT_FAILED if summary.failed or policy_error else EXIT_OK


class Progress:
    """`[ n/total] status group` on stderr: rewritten in place on a terminal, one line per group otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream, self.count = total, stream, 0
        self.tty = stream.isatty()

    def step(self, result: GroupResult) -> None:
        self.count += 1
        width = len(str(self.total))
        line = f"[{self.count:>{width}}/{self.total}] {result.status.value:<11} {result.plan.group.name}"
        self.stream.write(f"\r\x1b[2K{line}" if self.tty else f"{line}\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.count:
            self.stream.write("\n")


def print_plan(plan: Plan, out: TextIO) -> None:
    rows = [HEADERS, *(_row(group) for group in plan.groups)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)
    if plan.account_policy is not None or "up to date" in plan.account_policy_reason:
        print(f"account policy: {plan.account_policy_reason}", file=out)


def _row(group: GroupPlan) -> tuple[str, str, str, str, str, str]:
    state = group.group
    retention = f"{state.retention_days}d" if state.retention_days else "never"
    ours = group.own_filter.name if group.own_filter else ""
    others = len(group.other_filters)
    subscription = ", ".join(part for part in (ours, f"{others} other" if others else "") if part)
    changes = "; ".join(_describe(action) for action in group.actions if action.kind is not ActionKind.KEEP)
    return (
        state.name,
        state.log_group_class or "STANDARD",
        retention,
        subscription or "-",
        group.rule or "-",
        changes or "ok",
    )


def _describe(action: Action) -> str:
    if action.kind is ActionKind.SET_RETENTION:
        return f"retention -> {action.retention_days}d: {action.reason}"
    return f"{action.kind.value}: {action.reason}"
