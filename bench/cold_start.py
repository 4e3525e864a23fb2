"""Parser cold start with tracing off and on: the handler import, and the import plus the first
invocation (which builds the boto3 clients), each in fresh interpreters. Prints figures; asserts nothing.

    .venv/bin/python bench/cold_start.py [--repeats 5] [--checkout DIR]

`--checkout` measures another tree's parser with this venv, e.g. the main branch's for a before/after:
`git archive main functions schemas | tar -x -C /tmp/before`.

Both figures are needed: the parser builds its clients on first use, so a lighter import may only move
work into the first invocation. The first invocation is a CloudWatch Logs control message: it builds
the ingestor (the S3 client) like any delivery, then writes nothing, so no AWS call is made.

The interpreters run in a Lambda-like environment (LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_NAME,
AWS_REGION, a sampled `_X_AMZN_TRACE_ID`, dummy credentials): outside Lambda the X-Ray SDK builds a
sampler with its own botocore client at import and Powertools' Tracer turns itself off, so figures
taken there describe neither setting of the deployed stack. Inside that environment the X-Ray SDK
touches /tmp/.aws-xray/initialized (as it does in Lambda) and sends the sampled invocation's segments
over UDP to 127.0.0.1:2000, where nothing listens.

Each interpreter reports CPU time (this process, all threads) and wall time; one discarded run per
setting first, so that every measured run finds the same bytecode caches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from loglake.synth.payloads import control_payload, encode  # noqa: E402

_PROBE = """
import json, sys, time
cpu0, wall0 = time.process_time(), time.perf_counter()
from functions.parser.handler import lambda_handler
cpu1, wall1 = time.process_time(), time.perf_counter()
class Context:
    function_name = "loglake-bench-parser"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:loglake-bench-parser"
    memory_limit_in_mb = 1024
    aws_request_id = "c0ffee00-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/loglake-bench-parser"
    log_stream_name = "2026/12/01/[$LATEST]bench"
    def get_remaining_time_in_millis(self):
        return 60_000
lambda_handler(json.loads(sys.argv[1]), Context())
cpu2, wall2 = time.process_time(), time.perf_counter()
patcher = sys.modules.get("aws_xray_sdk.core.patcher")
print("COLD_START " + json.dumps({
    "import_cpu": cpu1 - cpu0, "import_wall": wall1 - wall0,
    "cold_cpu": cpu2 - cpu0, "cold_wall": wall2 - wall0,
    "xray_loaded": "aws_xray_sdk" in sys.modules,
    "patched": sorted(patcher._PATCHED_MODULES) if patcher else [],
}))
"""

# The variables Lambda sets that the X-Ray SDK and Powertools look at, plus what the parser's settings need.
_ENV_PREFIXES = ("AWS_", "LOGLAKE_", "POWERTOOLS_", "LAMBDA_", "_X_AMZN_")
TRACE_HEADER = "Root=1-674bc2a0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"


def lambda_like_env(tracing: bool, checkout: Path = REPO) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_PREFIXES)}
    env.update(
        LAMBDA_TASK_ROOT=str(checkout),
        AWS_LAMBDA_FUNCTION_NAME="loglake-bench-parser",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="1024",
        AWS_REGION="eu-west-1",
        AWS_DEFAULT_REGION="eu-west-1",
        AWS_ACCESS_KEY_ID="bench-dummy",
        AWS_SECRET_ACCESS_KEY="bench-dummy",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_XRAY_CONTEXT_MISSING="LOG_ERROR",
        _X_AMZN_TRACE_ID=TRACE_HEADER,
        LOGLAKE_BUCKET="loglake-bench-lake",
        POWERTOOLS_SERVICE_NAME="loglake-parser",
        POWERTOOLS_METRICS_NAMESPACE="loglake",
        POWERTOOLS_TRACE_DISABLED="false" if tracing else "true",
    )
    return env


def probe(tracing: bool, event: dict[str, Any], checkout: Path = REPO) -> dict[str, Any]:
    """One fresh interpreter: import the handler, invoke it once; its figures."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(event)],
        cwd=checkout,
        env=lambda_like_env(tracing, checkout),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("COLD_START "))
    figures: dict[str, Any] = json.loads(line.removeprefix("COLD_START "))
    return figures


def _ms(samples: list[float]) -> str:
    return f"{1000 * statistics.median(samples):4.0f} ({1000 * min(samples):4.0f})"


def report(repeats: int, checkout: Path = REPO) -> None:
    event = encode(control_payload(1_795_737_600_000))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"## parser cold start, Lambda-like environment: ms median (min) of {repeats} fresh interpreters "
        f"(load average {load})" + ("" if checkout == REPO else f", parser from {checkout}")
    )
    header = ("tracing", "import CPU", "import wall", "cold start CPU", "cold start wall", "X-Ray patched")
    widths = (8, 11, 11, 14, 15, 0)
    print(" ".join(f"{h:>{w}}" if w else h for h, w in zip(header, widths, strict=True)))
    for tracing in (False, True):
        probe(tracing, event, checkout)  # bytecode caches
        runs = [probe(tracing, event, checkout) for _ in range(repeats)]
        patched = {",".join(r["patched"]) or ("-" if not r["xray_loaded"] else "(nothing)") for r in runs}
        cells = [_ms([r[k] for r in runs]) for k in ("import_cpu", "import_wall", "cold_cpu", "cold_wall")]
        print(
            f"{'on' if tracing else 'off':>8} {cells[0]:>11} {cells[1]:>11} {cells[2]:>14} {cells[3]:>15} "
            + " | ".join(sorted(patched))
        )
    print("(cold start = handler import + the first invocation, which builds the clients; a control message)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--checkout", type=Path, default=REPO, help="a tree holding functions/ and schemas/")
    args = parser.parse_args()
    report(args.repeats, args.checkout.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
