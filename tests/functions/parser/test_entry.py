"""The parser's entry points with tracing off and on, each in a fresh interpreter in a Lambda-like
environment: X-Ray patches are process-wide and can't be undone, and outside Lambda Powertools' Tracer
turns itself off, so neither could be checked inside the test process."""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from functions.parser.entry import tracing_on

REPO = Path(__file__).resolve().parents[3]


# Runs in the fresh interpreter: import an entry point, invoke it once with a delivery written to a moto
# S3 bucket, and report what was imported, what X-Ray patched, and the names of the subsegments sent.
_PROBE = """
import json, sys
from moto import mock_aws

def xray_state():
    patcher = sys.modules.get("aws_xray_sdk.core.patcher")
    return {
        "xray_modules": sorted(m for m in sys.modules if m.startswith("aws_xray_sdk")),
        "patched": sorted(patcher._PATCHED_MODULES) if patcher else None,
    }

report = {}
with mock_aws():
    import boto3
    early = boto3.client("s3", region_name="eu-west-1")  # built before anything is patched
    early.create_bucket(Bucket="lake", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    sent = []
    module = __import__(sys.argv[1], fromlist=["lambda_handler"])
    report["after_import"] = xray_state()
    if report["after_import"]["xray_modules"]:
        from aws_xray_sdk.core import xray_recorder

        class Emitter:
            def send_entity(self, entity):
                def names(e):
                    yield e.name
                    for child in getattr(e, "subsegments", []):
                        yield from names(child)
                sent.extend(names(entity))
            def set_daemon_address(self, address):
                pass

        xray_recorder.configure(emitter=Emitter())
    from tests.support import FakeContext
    response = module.lambda_handler(json.loads(sys.argv[2]), FakeContext())
    report["after_invocation"] = xray_state()
    report["invocation_subsegments"] = list(sent)
    if report["after_import"]["xray_modules"]:
        # a client built before the patch is traced too (under the invocation's segment)
        sent.clear()
        early.list_objects_v2(Bucket="lake")
        report["early_client_subsegments"] = list(sent)
    report["objects"] = early.list_objects_v2(Bucket="lake").get("KeyCount", 0)
print("PROBE " + json.dumps(report))
"""


@functools.cache
def _cold_start_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_cold_start", REPO / "bench" / "cold_start.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lambda_like_env(tracing: str) -> dict[str, str]:
    """The environment the cold-start bench measures in (bench/cold_start.py), with the probe's bucket
    and POWERTOOLS_TRACE_DISABLED as given."""
    env: dict[str, str] = _cold_start_bench().lambda_like_env(tracing == "false")
    env.update(LOGLAKE_BUCKET="lake", POWERTOOLS_TRACE_DISABLED=tracing)
    return env


def run_probe(entry_module: str, event: dict[str, Any], tracing: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, entry_module, json.dumps(event)],
        cwd=REPO,
        env=lambda_like_env(tracing),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("PROBE "))
    report: dict[str, Any] = json.loads(line.removeprefix("PROBE "))
    return report


def delivery() -> dict[str, Any]:
    from tests.support import awslogs_event, load_payload

    return awslogs_event(load_payload("awslogs_python_text.json"))


def kinesis_delivery() -> dict[str, Any]:
    from tests.support import kinesis_event

    return kinesis_event([delivery()["awslogs"]["data"]])


ENTRIES = [("functions.parser.handler", delivery), ("functions.parser.kinesis_handler", kinesis_delivery)]


@pytest.mark.parametrize(("entry_module", "event"), ENTRIES)
def test_tracing_off_never_loads_the_xray_sdk(entry_module: str, event: Any) -> None:
    # Given the stack's default (POWERTOOLS_TRACE_DISABLED=true) in a Lambda-like environment
    # When an entry point is imported and invoked once (building its clients, writing the lake)
    report = run_probe(entry_module, event(), tracing="true")
    # Then the delivery is stored and no X-Ray module was ever imported
    assert report["objects"] == 1
    assert report["after_import"]["xray_modules"] == []
    assert report["after_invocation"]["xray_modules"] == []


@pytest.mark.parametrize(("entry_module", "event"), ENTRIES)
def test_tracing_on_patches_only_botocore_and_only_when_the_clients_are_built(entry_module: str, event: Any) -> None:
    # Given tracing on (the stack's tracing=Active) in a Lambda-like environment with a sampled trace header
    # When an entry point is imported, then invoked once
    report = run_probe(entry_module, event(), tracing="false")
    # Then the import patched nothing
    assert report["after_import"]["xray_modules"] and report["after_import"]["patched"] == []
    # and the first invocation patched botocore alone, before its S3 call: the handler's subsegment and
    # one `s3` subsegment for its one PutObject were sent, and the delivery is in the lake
    assert report["after_invocation"]["patched"] == ["botocore"]
    assert sorted(report["invocation_subsegments"]) == ["## entry", "s3"]
    assert report["objects"] == 1
    # And a client built before the patch is traced as well (the patch wraps botocore's class)
    assert report["early_client_subsegments"] == ["s3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", False), ("TRUE", False), ("1", False), (" true ", False), ("false", True), ("", True), ("0", True)],
)
def test_tracing_is_on_unless_powertools_switch_says_disabled(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", value)
    assert tracing_on() is expected
