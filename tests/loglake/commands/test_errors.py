"""The CLI's error convention (loglake/commands/errors.py), command by command: a usage error exits 2,
a failure exits 1, and either way stderr holds one line naming the command and no traceback."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from loglake.cli import main
from loglake.commands.errors import FAILURE, USAGE, UsageError, run_command

PARSER_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-parser"
# (what is tried, argv with {tmp} for a scratch folder, exit code, the command the message names, words it holds)
CASES: list[tuple[str, list[str], int, str, str]] = [
    ("sql without a lake", ["sql", "SELECT 1"], USAGE, "loglake sql", "--engine local needs --lake DIR"),
    ("sql on Athena without a database", ["sql", "--engine", "athena", "SELECT 1"], USAGE, "loglake sql", "--database"),
    ("sql on Trino without a server", ["ask", "--engine", "trino", "cost"], USAGE, "loglake ask", "--server"),
    ("a question that does not exist", ["ask", "--lake", "{tmp}", "nope"], USAGE, "loglake ask", "no question 'nope'"),
    (
        "a malformed filter pattern",
        ["filter", "--lake", "{tmp}", "{ $.latency > fast }"],
        USAGE,
        "loglake filter",
        "at position 15",
    ),
    (
        "an Insights command that does not exist",
        ["insights", "--lake", "{tmp}", "fields @message | unnest @message"],
        USAGE,
        "loglake insights",
        "unsupported command 'unnest'",
    ),
    (
        "a metric value the pattern can't give",
        ["metric-filter", "--lake", "{tmp}", "--value", "$bytes", "ERROR"],
        USAGE,
        "loglake metric-filter",
        "a value needs a JSON or space-delimited pattern",
    ),
    (
        "Athena setup on a folder",
        ["athena", "setup", "--database", "logs", "--location", "{tmp}"],
        USAGE,
        "loglake athena setup",
        "expected s3://",
    ),
    (
        "reindex --recreate without a range",
        ["reindex", "--lake", "{tmp}", "--url", "http://127.0.0.1:9", "--recreate"],
        USAGE,
        "loglake reindex",
        "--recreate needs --since",
    ),
    (
        "groups without the parser's ARN",
        ["groups", "plan", "--region", "eu-west-1"],
        USAGE,
        "loglake groups plan",
        "--parser-arn or $LOGLAKE_PARSER_ARN",
    ),
    (
        "groups with a parser ARN that is not one",
        ["groups", "apply", "--parser-arn", "orders"],
        USAGE,
        "loglake groups apply",
        "--parser-arn: ",
    ),
    (
        "groups with a rules file that is wrong",
        ["groups", "plan", "--parser-arn", PARSER_ARN, "--rules", "{tmp}/rules.yaml"],
        USAGE,
        "loglake groups plan",
        "rules.yaml:4: subscribe must be true or false",
    ),
    (
        "groups --after-backfill without a lake",
        ["groups", "plan", "--after-backfill", "--region", "eu-west-1"],
        USAGE,
        "loglake groups plan",
        "--after-backfill needs --lake",
    ),
    (
        "backfill from a time that is not one",
        ["backfill", "--lake", "{tmp}", "--log-group", "/x", "--since", "last tuesday"],
        USAGE,
        "loglake backfill",
        "expected an ISO date/time",
    ),
    (
        "backfill into a bucket without a name",
        ["backfill", "--lake", "s3://", "--log-group", "/x", "--since", "1d"],
        USAGE,
        "loglake backfill",
        "--lake: 's3://': expected s3://bucket/prefix",
    ),
    (
        "replay-failed from a lake prefix that climbs out",
        ["replay-failed", "--lake", "s3://lake/../other", "--url", "http://127.0.0.1:9"],
        USAGE,
        "loglake replay-failed",
        "unsafe lake prefix segment '..'",
    ),
    (
        "indexing only sources that do not exist",
        ["ingest", "--lake", "{tmp}/lake", "--opensearch", "http://127.0.0.1:9", "--opensearch-sources", "ec2", "x"],
        USAGE,
        "loglake ingest",
        "--sources: unknown ec2",
    ),
    ("a query that fails", ["sql", "--lake", "{tmp}", "SELECT * FROM nowhere"], FAILURE, "loglake sql", "nowhere"),
    (
        "a file that does not exist",
        ["ingest", "--lake", "{tmp}/lake", "{tmp}/missing.json"],
        FAILURE,
        "loglake ingest",
        "No such file or directory",
    ),
    (
        "a file that is not events",
        ["ingest", "--lake", "{tmp}/lake", "{tmp}/bad.json"],
        FAILURE,
        "loglake ingest",
        "neither JSON nor JSON Lines",
    ),
    (
        "Athena without credentials",
        ["sql", "--engine", "athena", "--database", "logs", "--region", "eu-west-1", "SELECT 1"],
        FAILURE,
        "loglake sql",
        "Unable to locate credentials",
    ),
    (
        "backfill without credentials",
        ["backfill", "--lake", "{tmp}/lake", "--log-group", "/x", "--since", "1d", "--region", "eu-west-1"],
        FAILURE,
        "loglake backfill",
        "Unable to locate credentials",
    ),
    (
        "groups --after-backfill without credentials",
        ["groups", "plan", "--after-backfill", "--lake", "{tmp}/lake", "--region", "eu-west-1"],
        FAILURE,
        "loglake groups plan",
        "Unable to locate credentials",
    ),
    (
        "OpenSearch setup on a cluster that is not there",
        ["opensearch", "setup", "--url", "http://127.0.0.1:9"],
        FAILURE,
        "loglake opensearch setup",
        "Connection refused",
    ),
    (
        "OpenSearch setup with a secret auth and no secret",
        ["opensearch", "setup", "--url", "http://127.0.0.1:9", "--auth", "basic-secret"],
        FAILURE,
        "loglake opensearch setup",
        "basic-secret needs a Secrets Manager secret ARN",
    ),
    (
        "Trino that is not there",
        ["trino", "sync", "--server", "http://127.0.0.1:9"],
        FAILURE,
        "loglake trino sync",
        "Connection refused",
    ),
]


@pytest.fixture
def no_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.usefixtures("no_aws_credentials")
def test_bad_invocations_exit_with_one_line_naming_the_command(
    case: tuple[str, list[str], int, str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, argv, expected_code, command, words = case
    # Given a bad invocation (a scratch folder holding a file that is not events)
    (tmp_path / "bad.json").write_text("{not json\n", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text("rules:\n  - name: all\n    glob: '*'\n    subscribe: perhaps\n")
    # When the CLI runs it
    code = main([arg.replace("{tmp}", str(tmp_path)) for arg in argv])
    # Then the exit code says usage or failure, and stderr is one line naming the command
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == expected_code
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{command}: ") and words in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["sql"],
        ["nonsense"],
        ["filter", "--limit", "many", "ERROR"],
        ["athena", "setup", "--database", "logs"],
        ["backfill", "--lake", "lake", "--log-group", "/x", "--since", "1d", "--window-hours", "0"],
        ["backfill", "--lake", "lake", "--log-group", "/x", "--since", "1d", "--rate", "fast"],
        ["opensearch", "setup", "--url", "http://127.0.0.1:9", "--retention-days", "0"],
    ],
)
def test_argument_errors_exit_2_with_the_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # Given an invocation argparse itself refuses
    # When the CLI runs it
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    # Then it exits 2 with argparse's usage and error line, and no traceback
    err = capsys.readouterr().err
    assert exit_.value.code == USAGE
    assert err.splitlines()[-1].startswith("loglake") and ": error: " in err and "Traceback" not in err


def _raising(error: BaseException) -> argparse.Namespace:
    def run(_: argparse.Namespace) -> int:
        raise error

    return argparse.Namespace(command="opensearch", opensearch_command="setup", run=run)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (UsageError("needs --url"), USAGE),
        (FileNotFoundError(2, "No such file or directory"), FAILURE),
        (KeyboardInterrupt(), 130),
        (BrokenPipeError(), 0),
    ],
)
def test_the_convention_maps_each_kind_of_error(
    error: BaseException, expected: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a command that raises
    # When it runs under the convention
    code = run_command(_raising(error))
    # Then the code is the convention's, and a message names the command with its action when there is one
    assert code == expected
    err = capsys.readouterr().err
    assert err == "" if expected in (0, 130) else err.startswith("loglake opensearch setup: ")


def test_an_unexpected_error_is_a_bug_and_keeps_its_traceback() -> None:
    # Given a command that fails in a way nobody planned for
    # When it runs under the convention, Then the error propagates (Python prints its traceback)
    with pytest.raises(ZeroDivisionError):
        run_command(_raising(ZeroDivisionError("division by zero")))


@pytest.mark.usefixtures("no_aws_credentials")
def test_groups_that_cannot_read_the_account_fail_with_the_reason_after_their_progress(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given no AWS credentials
    # When `groups plan` runs
    code = main(["groups", "plan", "--region", "eu-west-1", "--parser-arn", PARSER_ARN])
    # Then it fails (1): its progress line, then one line naming the command and the reason, no traceback
    err = capsys.readouterr().err
    assert code == FAILURE
    assert err.splitlines() == ["reading log groups…", err.splitlines()[-1]]
    assert err.splitlines()[-1].startswith("loglake groups plan: ") and "Unable to locate credentials" in err
    assert "Traceback" not in err
