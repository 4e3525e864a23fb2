from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from loglake.cli import main

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient


PARSER_GROUP = "/aws/lambda/loglake-prod-parser"
State = dict[str, tuple[int | None, list[tuple[str, str]]]]


def snapshot(logs: CloudWatchLogsClient) -> State:
    state: State = {}
    for group in logs.describe_log_groups()["logGroups"]:
        name = group["logGroupName"]
        found = logs.describe_subscription_filters(logGroupName=name)["subscriptionFilters"]
        state[name] = (
            group.get("retentionInDays"),
            sorted((f["filterName"], f["destinationArn"]) for f in found),
        )
    return state


@pytest.fixture
def groups(logs: CloudWatchLogsClient, parser_arn: str, other_destination: str) -> State:
    """Existing groups of several kinds; returns their state before any command."""
    for name in ("/aws/lambda/orders", "/aws/lambda/kept", "/aws/lambda/busy", PARSER_GROUP, "/ecs/web"):
        logs.create_log_group(logGroupName=name)
    logs.put_retention_policy(logGroupName="/aws/lambda/kept", retentionInDays=90)
    for filter_name in ("siem", "metrics"):
        logs.put_subscription_filter(
            logGroupName="/aws/lambda/busy",
            filterName=filter_name,
            filterPattern="",
            destinationArn=other_destination,
        )
    return snapshot(logs)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("LOGLAKE_PARSER_ARN", "LOGLAKE_PARSER_LOG_GROUP", "LOGLAKE_ACCOUNT_POLICY"):
        monkeypatch.delenv(key, raising=False)


def cli(action: str, parser_arn: str, *extra: str) -> int:
    return main(["groups", action, "--region", "eu-west-1", "--parser-arn", parser_arn, *extra])


def test_plan_prints_every_group_and_what_would_change_and_changes_nothing(
    logs: CloudWatchLogsClient, parser_arn: str, groups: State, capsys: pytest.CaptureFixture[str]
) -> None:
    # When the plan is shown
    assert cli("plan", parser_arn) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines()[1:] if line.startswith(("/", "API"))}
    # Then every group has a row with its current retention, subscription and the planned change
    assert out.splitlines()[0].split() == [
        "LOG",
        "GROUP",
        "CLASS",
        "RETENTION",
        "SUBSCRIPTION",
        "RULE",
        "PLAN",
    ]
    assert set(rows) == set(groups)
    assert "never" in rows["/aws/lambda/orders"] and "retention -> 30d" in rows["/aws/lambda/orders"]
    assert "subscribe: rule 'lambda' subscribes it" in rows["/aws/lambda/orders"]
    assert "90d" in rows["/aws/lambda/kept"] and "does not enforce" in rows["/aws/lambda/kept"]
    assert "2 other" in rows["/aws/lambda/busy"] and "quota of 2" in rows["/aws/lambda/busy"]
    assert "it would loop" in rows[PARSER_GROUP]
    assert "6 change(s) planned" in out
    # And nothing changed
    assert snapshot(logs) == groups


def test_apply_is_a_dry_run_unless_confirmed(
    logs: CloudWatchLogsClient, parser_arn: str, groups: State, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("apply", parser_arn) == 0
    assert cli("apply", parser_arn, "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.count("dry run: nothing changed (6 change(s) planned); re-run with --yes to apply") == 2
    assert snapshot(logs) == groups


def test_confirmed_apply_changes_exactly_the_plan(
    logs: CloudWatchLogsClient,
    parser_arn: str,
    other_destination: str,
    groups: State,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # When the plan is applied for real
    assert cli("apply", parser_arn, "--yes") == 0
    captured = capsys.readouterr()
    # Then exactly the planned changes were made, and nothing else
    ours = [("loglake-prod-parser", parser_arn)]
    assert snapshot(logs) == {
        "/aws/lambda/orders": (30, ours),
        "/aws/lambda/kept": (90, ours),
        "/aws/lambda/busy": (30, [("metrics", other_destination), ("siem", other_destination)]),
        PARSER_GROUP: (30, []),
        "/ecs/web": (365, []),
    }
    # And progress went to stderr, one line per group, and the summary to stdout
    progress = [line for line in captured.err.splitlines() if line.startswith("[")]
    assert len(progress) == 5 and progress[-1].startswith("[5/5]")
    assert "seen: 5, retention set: 4, subscribed: 2, unsubscribed: 0, skipped: 3, failed: 0, gone: 0" in captured.out
    # And a new plan finds nothing left to do
    assert cli("plan", parser_arn) == 0
    assert "0 change(s) planned" in capsys.readouterr().out


def test_prefix_limits_the_groups(
    logs: CloudWatchLogsClient, parser_arn: str, groups: State, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("apply", parser_arn, "--yes", "--prefix", "/ecs/") == 0
    after = snapshot(logs)
    assert after["/ecs/web"] == (365, [])
    assert {k: v for k, v in after.items() if k != "/ecs/web"} == {k: v for k, v in groups.items() if k != "/ecs/web"}


def test_an_invalid_rules_file_refuses_to_run_and_names_the_line(
    tmp_path: Path, parser_arn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: all\n    glob: '*'\n    subscribe: perhaps\n")
    assert cli("plan", parser_arn, "--rules", str(rules)) == 2
    assert f"{rules}:4: subscribe must be true or false" in capsys.readouterr().err


def test_a_parser_arn_is_required(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["groups", "plan", "--region", "eu-west-1"]) == 2
    assert "--parser-arn or $LOGLAKE_PARSER_ARN" in capsys.readouterr().err


def test_apply_help_documents_the_dry_run_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["groups", "apply", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Without --yes this is a dry run" in text and "--yes, --no-dry-run" in text
