"""The deployable stack as CloudFormation: what `serverless package` made of serverless.yml.

`make stack` packages it offline (serverless@3 from package-lock.json, dummy credentials, no AWS
call) and lints it with cfn-lint; `make test` runs that before pytest. Run alone, this module
packages again when the template is missing or older than its inputs.
"""

from __future__ import annotations

import ast
import copy
import fcntl
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from functions.compactor.handler import METRICS as COMPACTOR_METRICS
from functions.log_group_manager.observe import MANAGER_METRICS, METRIC_NAMES
from functions.parser.entry import tracing_on
from functions.parser.wiring import METRICS as PARSER_METRICS
from schemas.cloudformation import glue_table_input
from schemas.lake import EVENT_COMMITS, EVENT_OBJECTS
from tests.infra.cfn_values import resolved
from tests.infra.iam_policy import NO_RESOURCE_LEVEL, branches, check_template, statements

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / ".serverless"
TEMPLATE = BUILD / "cloudformation-template-update-stack.json"
INPUTS = (
    "serverless.yml",
    "package-lock.json",
    "layers/deps/requirements.txt",
    "infra/glue/events-objects-table-input.json",
    "infra/glue/events-commits-table-input.json",
    "infra/serverless/offline-package.js",
)
FUNCTIONS = (
    "ParserLambdaFunction",
    "ParserKinesisLambdaFunction",
    "LogGroupManagerLambdaFunction",
    "CompactorLambdaFunction",
    "BackfillLambdaFunction",
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    newest_input = max((REPO / name).stat().st_mtime for name in INPUTS)
    (REPO / "build").mkdir(exist_ok=True)
    with (REPO / "build" / ".stack.lock").open("w") as lock:  # test processes package in place one at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not TEMPLATE.exists() or TEMPLATE.stat().st_mtime < newest_input:
            subprocess.run(["make", "stack"], cwd=REPO, check=True, timeout=600)
    loaded: dict[str, Any] = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    return loaded


# What a copy of the project for packaging leaves out; the environments it needs are linked in.
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".cache", "node_modules", "build", ".serverless", "dist", "demo-output", ".lake",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "__pycache__", "*.egg-info",
)  # fmt: skip
_LINKED = (".venv", "node_modules", "build")
_STAMPS = (".venv/.installed", "node_modules/.installed", "build/layers/deps/.built")  # the Makefile's


def package_variant(directory: Path, params: str) -> subprocess.CompletedProcess[str]:
    """`make stack` (package, then cfn-lint) with other params, into `directory`, from a copy of the
    project. Serverless stages every package in the project's own `.serverless`, which it empties first:
    packaging in place would pull the default package from under the other tests (and from another
    variant packaged at the same time by another test process); and it empties `directory` too, so the
    copy is made elsewhere, and `make` is told never to remake the linked venv, npm packages or layer."""
    with tempfile.TemporaryDirectory(prefix="loglake-stack-") as scratch:  # not in `directory`: emptied first
        service = Path(scratch) / "project"
        shutil.copytree(REPO, service, ignore=_NOT_COPIED, symlinks=True)
        for name in _LINKED:
            (service / name).symlink_to(REPO / name)
        return subprocess.run(
            # -o: never remake the linked set-ups (a remade layer would be emptied in the real checkout)
            ["make", *(f"-o{stamp}" for stamp in _STAMPS), "stack", f"STACK_DIR={directory}", f"STACK_PARAMS={params}"],
            cwd=service,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,  # the caller reads the outcome
        )


@pytest.fixture(scope="module")
def traced_template(template: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The stack packaged with `--param tracing=Active` (after the default one: `make` builds the layer once)."""
    directory = tmp_path_factory.mktemp("stack-tracing-active")
    done = package_variant(directory, "--param tracing=Active")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    loaded: dict[str, Any] = json.loads((directory / TEMPLATE.name).read_text(encoding="utf-8"))
    return loaded


def props(template: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"][name]["Properties"]
    return found


def env_names_read_by(module: Path) -> set[str]:
    """The LOGLAKE_* names a settings module reads (string literals in its source), plus the lake's
    bucket and prefix when it reads them through `functions/env_settings.lake_location`."""
    source = module.read_text(encoding="utf-8")
    tree = ast.parse(source)
    texts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    names = {text for text in texts if text.startswith("LOGLAKE_")}
    if "lake_location(" in source and module.name != "env_settings.py":
        names |= env_names_read_by(REPO / "functions/env_settings.py")
    return names


# ---------------------------------------------------------------- IAM


def test_no_iam_statement_is_broader_than_allowed(template: dict[str, Any]) -> None:
    findings = check_template(template)
    assert findings == [], "\n".join(map(str, findings))


def test_the_checker_rejects_wildcards_and_open_resources() -> None:
    # Given a role with a wildcard action, a bucket-wide resource and a "*" for an action that has
    # resource-level permissions, and a bucket policy open to anyone
    bad = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "Policies": [
                        {
                            "PolicyName": "p",
                            "PolicyDocument": {
                                "Statement": [
                                    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::lake/*"},
                                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"},
                                    {
                                        "Fn::If": [
                                            "C",
                                            {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "*"},
                                            {"Ref": "AWS::NoValue"},
                                        ]
                                    },
                                    {"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
                                ]
                            },
                        }
                    ]
                },
            },
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*"}]}},
            },
        }
    }
    # When it is checked
    problems = [str(f) for f in check_template(bad)]
    # Then each broad grant is reported (the conditional one too), and the X-Ray statement is not
    assert len(problems) == 4
    assert "'s3:*' is a wildcard" in problems[0]
    assert "matches every s3 resource" in problems[1]
    assert "sqs:SendMessage" in problems[2]
    assert problems[3] == "Policy: allows any principal"


def test_every_function_has_a_role_of_its_own_that_only_lambda_assumes(template: dict[str, Any]) -> None:
    roles = [props(template, fn)["Role"]["Fn::Sub"] for fn in FUNCTIONS]
    assert len(set(roles)) == len(FUNCTIONS)
    for role in roles:
        trust = props(template, role.strip("${}").removesuffix(".Arn"))["AssumeRolePolicyDocument"]
        principals = [s["Principal"] for s in statements(trust)]
        assert principals == [{"Service": "lambda.amazonaws.com"}]


def test_resource_star_is_used_only_where_aws_has_no_resource_level_permission(template: dict[str, Any]) -> None:
    starred = {
        action
        for name, res in template["Resources"].items()
        if res["Type"] == "AWS::IAM::Role"
        for policy in res["Properties"].get("Policies", [])
        for stmt in statements(policy["PolicyDocument"])
        if stmt["Resource"] == "*"
        for action in ([stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"])
    }
    assert starred and starred <= NO_RESOURCE_LEVEL


@pytest.mark.parametrize("role", ["ParserRole", "ParserKinesisRole"])
def test_the_parser_writes_only_new_objects_and_failed_documents(template: dict[str, Any], role: str) -> None:
    # A compromised parser must not write events_commits/ (a fake commit could hide lake objects) nor
    # compaction/: its PutObject covers exactly events/ and failed/ under the lake prefix.
    policy = props(template, role)["Policies"][0]["PolicyDocument"]
    writes = [
        s
        for s in statements(policy)
        if "s3:PutObject" in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    resources = [r for s in writes for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])]
    assert sorted(r["Fn::Sub"] for r in resources) == [
        "${LakeBucket.Arn}/${LakePrefix}events/*",
        "${LakeBucket.Arn}/${LakePrefix}failed/*",
    ]


def test_cloudwatch_logs_may_invoke_the_parser_for_this_accounts_groups_only(template: dict[str, Any]) -> None:
    permission = props(template, "ParserSubscriptionPermission")
    assert permission["Principal"] == "logs.amazonaws.com"
    assert permission["FunctionName"] == {"Fn::GetAtt": ["ParserLambdaFunction", "Arn"]}
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert permission["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
    }
    invoke_permissions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"]
    assert all("SourceArn" in r["Properties"] for r in invoke_permissions)


# ---------------------------------------------------------------- functions


def test_parser_runtime_size_and_async_failure_handling(template: dict[str, Any]) -> None:
    parser = props(template, "ParserLambdaFunction")
    assert (parser["Runtime"], parser["Architectures"]) == ("python3.12", ["arm64"])
    assert (parser["MemorySize"], parser["Timeout"]) == (1024, 60)
    assert parser["ReservedConcurrentExecutions"] == 20
    assert parser["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": ["ParserDeadLetterQueue", "Arn"]}}
    invoke_config = props(template, "ParserLambdaEvConf")
    assert (invoke_config["MaximumRetryAttempts"], invoke_config["MaximumEventAgeInSeconds"]) == (2, 21600)


def test_dependencies_come_from_layers_and_the_package_holds_only_loglake_code(template: dict[str, Any]) -> None:
    layers = props(template, "ParserLambdaFunction")["Layers"]
    assert "layer:AWSLambdaPowertoolsPythonV3-python312-arm64:" in layers[0]
    assert "layer:AWSSDKPandas-Python312-Arm64:" in layers[1]
    assert layers[2] == {"Ref": "DepsLambdaLayer"}
    with zipfile.ZipFile(BUILD / "loglake.zip") as code:
        tops = {name.split("/")[0] for name in code.namelist()}
        assert "subscription/rules.yaml" in code.namelist()
    assert tops == {"functions", "schemas", "subscription"}
    with zipfile.ZipFile(BUILD / "deps.zip") as deps:
        names = deps.namelist()
    assert any(n.startswith("python/yaml/_yaml.cpython-312-aarch64") for n in names)
    assert any(n.startswith("python/opensearchpy/") for n in names)
    assert not any(n.startswith("python/bin/") or n.startswith("python/boto3/") for n in names)


def test_kinesis_mode_fails_batches_whole_bisects_and_makes_big_batches(template: dict[str, Any]) -> None:
    mapping = template["Resources"]["ParserKinesisEventSourceMappingKinesisLogStream"]
    assert mapping["Condition"] == "KinesisMode"
    function = template["Resources"]["ParserKinesisLambdaFunction"]
    assert function["Condition"] == "KinesisMode"
    source = mapping["Properties"]
    # the parser succeeds or fails a batch whole (functions/parser/kinesis_batch.py): no partial responses
    assert "FunctionResponseTypes" not in source
    assert source["BisectBatchOnFunctionError"] is True
    assert source["MaximumRetryAttempts"] > 0 and 0 < source["MaximumRecordAgeInSeconds"] <= 86400
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["KinesisFailureQueue", "Arn"]}
    # big objects: batches close on Lambda's 6 MB payload limit or a window of tens of seconds
    assert source["BatchSize"] >= 1000
    assert 30 <= source["MaximumBatchingWindowInSeconds"] <= 300
    # room for a 6 MB batch (tens of MB once inflated) and its retries
    assert function["Properties"]["MemorySize"] >= 2048
    assert function["Properties"]["Timeout"] >= 120


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge matching for the pattern shapes used here: value lists and nested objects."""
    for key, expected in pattern.items():
        if isinstance(expected, dict):
            if not isinstance(event.get(key), dict) or not matches(expected, event[key]):
                return False
        elif event.get(key) not in expected:
            return False
    return True


def test_the_manager_runs_on_create_log_group_and_daily(template: dict[str, Any]) -> None:
    rules = [props(template, n) for n, r in template["Resources"].items() if r["Type"] == "AWS::Events::Rule"]
    pattern = next(r["EventPattern"] for r in rules if "EventPattern" in r)
    created = json.loads((REPO / "tests/events/cloudtrail_create_log_group.json").read_text(encoding="utf-8"))
    daily = json.loads((REPO / "tests/events/scheduled_daily.json").read_text(encoding="utf-8"))
    assert matches(pattern, created) and not matches(pattern, daily)
    assert "rate(1 day)" in [r["ScheduleExpression"] for r in rules if "ScheduleExpression" in r]


def test_function_environments_use_only_names_the_settings_read(template: dict[str, Any]) -> None:
    parser_env = props(template, "ParserLambdaFunction")["Environment"]["Variables"]
    manager_env = props(template, "LogGroupManagerLambdaFunction")["Environment"]["Variables"]
    parser_reads = env_names_read_by(REPO / "functions/parser/settings.py")
    manager_reads = env_names_read_by(REPO / "functions/log_group_manager/settings.py")
    assert {"LOGLAKE_BUCKET", "LOGLAKE_PREFIX", "LOGLAKE_OPENSEARCH_URL"} <= set(parser_env)
    assert {k for k in parser_env if k.startswith("LOGLAKE_")} <= parser_reads
    assert "LOGLAKE_PARSER_ARN" in manager_env
    assert {k for k in manager_env if k.startswith("LOGLAKE_")} <= manager_reads


# ---------------------------------------------------------------- resources


def test_the_lake_bucket_is_private_encrypted_tls_only_and_expires_scratch(template: dict[str, Any]) -> None:
    bucket = props(template, "LakeBucket")
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    prefixes = {str(r.get("Prefix")) for r in bucket["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r}
    assert prefixes == {str({"Fn::Sub": "${LakePrefix}failed/"}), "athena-results/"}
    deny = next(statements(props(template, "LakeBucketPolicy")["PolicyDocument"]))
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_glue_tables_are_the_ones_rendered_from_the_schema(template: dict[str, Any]) -> None:
    for name, table in (("EventsTable", EVENT_OBJECTS), ("EventCommitsTable", EVENT_COMMITS)):
        resource = props(template, name)
        assert resource["DatabaseName"] == {"Ref": "GlueDatabase"}
        assert resource["TableInput"] == glue_table_input(table)


def test_the_compactor_runs_alone_on_a_schedule_and_never_deletes_commits(template: dict[str, Any]) -> None:
    compactor = props(template, "CompactorLambdaFunction")
    assert compactor["ReservedConcurrentExecutions"] == 1 and compactor["Timeout"] == 900
    env = compactor["Environment"]["Variables"]
    assert {k for k in env if k.startswith("LOGLAKE_")} <= env_names_read_by(REPO / "functions/compactor/settings.py")
    rules = [props(template, n) for n, r in template["Resources"].items() if r["Type"] == "AWS::Events::Rule"]
    assert "rate(15 minutes)" in [r.get("ScheduleExpression") for r in rules]
    policy = props(template, "CompactorRole")["Policies"][0]["PolicyDocument"]
    deletes = [s for s in statements(policy) if "s3:DeleteObject" in s["Action"]]
    assert deletes and all("events_commits" not in text for s in deletes for text in map(str, s["Resource"]))


def test_athena_workgroup_engine_v3_with_a_scan_limit(template: dict[str, Any]) -> None:
    config = props(template, "AthenaWorkGroup")["WorkGroupConfiguration"]
    assert config["EngineVersion"]["SelectedEngineVersion"] == "Athena engine version 3"
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["BytesScannedCutoffPerQuery"] > 0
    assert config["ResultConfiguration"]["OutputLocation"] == {"Fn::Sub": "s3://${LakeBucket}/athena-results/"}


def test_loglakes_own_log_groups_expire(template: dict[str, Any]) -> None:
    groups = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert len(groups) == len(FUNCTIONS)
    assert all(g["RetentionInDays"] > 0 for g in groups)


# ---------------------------------------------------------------- alarms


def alarms(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            alarm = resource["Properties"]
            found[(alarm["Namespace"], alarm["MetricName"])] = alarm
    return found


def test_alarms_watch_what_the_seed_says_to_watch(template: dict[str, Any]) -> None:
    watched = set(alarms(template))
    assert {
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/Lambda", "DeadLetterErrors"),
        ("AWS/Lambda", "IteratorAge"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("loglake", "OpenSearchFailedDocs"),
        ("loglake", METRIC_NAMES["failed"]),
    } <= watched


def test_emf_alarms_name_metrics_the_functions_emit(template: dict[str, Any]) -> None:
    for (namespace, metric), alarm in alarms(template).items():
        if namespace != "loglake":
            continue
        service = alarm["Dimensions"][0]
        assert service["Name"] == "service"
        if service["Value"] == "parser":
            assert metric in PARSER_METRICS
        elif service["Value"] == "compactor":
            assert metric in COMPACTOR_METRICS
        else:
            assert service["Value"] == "log-group-manager"
            assert metric in MANAGER_METRICS


def test_alarms_notify_the_topic_parameter_when_one_is_given(template: dict[str, Any]) -> None:
    for alarm in alarms(template).values():
        actions = copy.deepcopy(alarm["AlarmActions"])
        assert actions["Fn::If"][0] == "HasAlarmTopic"
        assert list(branches(actions)) == [[{"Ref": "AlarmTopicArn"}]]


# ---------------------------------------------------------------- backfill


def test_the_backfill_function_is_off_by_default_reads_history_and_writes_only_its_folders(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    assert template["Parameters"]["BackfillFunction"]["Default"] == "false"
    assert resources["BackfillLambdaFunction"]["Condition"] == "BackfillEnabled"
    assert resources["BackfillRole"]["Condition"] == "BackfillEnabled"
    granted = {
        action: stmt["Resource"]
        for stmt in statements(props(template, "BackfillRole")["Policies"][0]["PolicyDocument"])
        for action in ([stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"])
        if not action.startswith("logs:CreateLogStream") and action != "logs:PutLogEvents"
    }
    assert not any(a.startswith("logs:Put") or a.startswith("logs:Delete") for a in granted)
    assert granted["logs:FilterLogEvents"] == {
        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
    }
    assert granted["s3:GetObject"] == {"Fn::Sub": "${LakeBucket.Arn}/${LakePrefix}backfill/*"}
    assert granted["lambda:InvokeFunction"] == {
        "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:loglake-ci-backfill"
    }
    env = props(template, "BackfillLambdaFunction")["Environment"]["Variables"]
    reads = env_names_read_by(REPO / "functions/backfill/handler.py") | env_names_read_by(
        REPO / "functions/parser/settings.py"
    )
    assert {k for k in env if k.startswith("LOGLAKE_")} <= reads


# ---------------------------------------------------------------- tracing

PARSERS = {"ParserLambdaFunction": "ParserRole", "ParserKinesisLambdaFunction": "ParserKinesisRole"}
XRAY_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def granted_actions(template: dict[str, Any], role: str) -> set[str]:
    """The actions a role's policy grants with the template's parameters at their defaults."""
    policy = resolved(template, props(template, role)["Policies"][0]["PolicyDocument"])
    return {
        action
        for stmt in policy["Statement"]
        for action in ([stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"])
    }


def tracing_setting(template: dict[str, Any], function: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, bool]:
    """(the function's X-Ray mode, whether the parser's code turns its tracer on) in this template."""
    mode = resolved(template, props(template, function)["TracingConfig"])["Mode"]
    env = resolved(template, props(template, function)["Environment"]["Variables"])
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", env["POWERTOOLS_TRACE_DISABLED"])
    return mode, tracing_on()


@pytest.mark.parametrize("function", sorted(PARSERS))
def test_parsers_are_not_traced_by_default(
    template: dict[str, Any], function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the stack packaged without a `tracing` param
    assert template["Parameters"]["Tracing"]["Default"] == "PassThrough"
    # Then the parser records no trace of its own, its code never loads the X-Ray SDK, and its role
    # may not send traces
    assert props(template, function)["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"] == {
        "Fn::If": ["TracingActive", "false", "true"]
    }
    assert tracing_setting(template, function, monkeypatch) == ("PassThrough", False)
    assert not granted_actions(template, PARSERS[function]) & XRAY_ACTIONS


@pytest.mark.parametrize("function", sorted(PARSERS))
def test_tracing_active_traces_the_parsers_and_lets_them_send_traces(
    traced_template: dict[str, Any], function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the stack packaged with --param tracing=Active (cfn-lint passed: the fixture's `make stack`)
    assert traced_template["Parameters"]["Tracing"]["Default"] == "Active"
    # Then Lambda traces the parser, its code wraps the handler in Powertools' Tracer, and its role
    # may send the segments
    assert tracing_setting(traced_template, function, monkeypatch) == ("Active", True)
    assert granted_actions(traced_template, PARSERS[function]) >= XRAY_ACTIONS


def test_only_the_parsers_follow_the_tracing_param(template: dict[str, Any], traced_template: dict[str, Any]) -> None:
    # The other functions (compactor, backfill, manager) are never traced: no TracingConfig, no X-Ray grant
    for packaged in (template, traced_template):
        others = [name for name in FUNCTIONS if name not in PARSERS]
        assert all("TracingConfig" not in props(packaged, name) for name in others)
        roles = [props(packaged, name)["Role"]["Fn::Sub"].strip("${}").removesuffix(".Arn") for name in others]
        assert all(not granted_actions(packaged, role) & XRAY_ACTIONS for role in roles)


def test_a_tracing_value_other_than_active_or_passthrough_is_refused(template: dict[str, Any], tmp_path: Path) -> None:
    # Given a misspelt value
    done = package_variant(tmp_path, "--param tracing=active")
    # Then `make stack` fails on it: cfn-lint finds the parameter's default outside its allowed values
    # (a deploy is refused by CloudFormation for the same reason, before anything changes)
    packaged = json.loads((tmp_path / TEMPLATE.name).read_text(encoding="utf-8"))
    assert packaged["Parameters"]["Tracing"]["Default"] == "active"
    assert done.returncode != 0
    assert "E2015" in done.stdout + done.stderr
