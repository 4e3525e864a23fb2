"""Render ground truth into the exact text CloudWatch Logs holds (REFERENCE §2-§5).

Rendering is pure: the same truth and story always give the same lines (no randomness here).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loglake.synth.truth import ApiRequest, Invocation

Line = tuple[int, str]  # (CloudWatch event timestamp in epoch ms, message)
PRINT = "PRINT"  # pseudo level of a bare stdout line, written without any prefix
OOM_ERROR = "Runtime.OutOfMemory"
ACCESS_FORMATS = ("clf", "json", "csv", "xml", "custom_json")


@dataclass(frozen=True, slots=True)
class Story:
    """What one invocation printed besides the platform lines."""

    runtime_version: str  # e.g. python:3.12.v38
    runtime_arn: str
    function_arn: str
    timeout_s: float
    logger: str  # Java logger / Powertools service name
    app: tuple[tuple[str, str], ...]  # (level, message); level PRINT = bare print
    error_message: str | None = None  # message of the unhandled exception (status 'error')
    extensions: tuple[str, ...] = ()  # extension names registered at INIT


def iso(ms: int) -> str:
    """`2026-11-27T09:12:44.123Z`, the runtimes' timestamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def powertools_time(ms: int) -> str:
    """`2026-11-27 09:12:44,123+0000`, Powertools Logger's default timestamp."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ms // 1000)) + f",{ms % 1000:03d}+0000"


def request_time(ms: int) -> str:
    """`27/Nov/2026:09:12:44 +0000`, API Gateway's `$context.requestTime`."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ms // 1000))


def segment_id(inv: Invocation) -> str:
    return inv.request_id.replace("-", "")[-16:]


def report_line(inv: Invocation) -> str:
    """The current-style, tab separated REPORT line (plus the XRAY line when sampled)."""
    parts = [
        f"REPORT RequestId: {inv.request_id}",
        f"Duration: {inv.duration_ms:.2f} ms",
        f"Billed Duration: {inv.billed_duration_ms} ms",
        f"Memory Size: {inv.memory_size_mb} MB",
        f"Max Memory Used: {inv.max_memory_used_mb} MB",
    ]
    if inv.init_duration_ms is not None:
        parts.append(f"Init Duration: {inv.init_duration_ms:.2f} ms")
    if inv.restore_duration_ms is not None:
        parts.append(f"Restore Duration: {inv.restore_duration_ms:.2f} ms")
        parts.append(f"Billed Restore Duration: {math.ceil(inv.restore_duration_ms)} ms")
    text = "\t".join(parts) + "\t"
    if inv.status == "timeout":
        text += "Status: timeout"
    elif inv.error_type is not None and inv.error_type.startswith("Runtime."):
        text += f"Status: error\tError Type: {inv.error_type}"
    if inv.trace_id is not None:
        text += f"\nXRAY TraceId: {inv.trace_id}\tSegmentId: {segment_id(inv)}\tSampled: true"
    return text


def render_invocation(inv: Invocation, story: Story) -> list[Line]:
    """Every CloudWatch event of one invocation, in emission order."""
    if inv.log_format == "json":
        return _json_invocation(inv, story)
    out = _cold_text(inv, story)
    out.append((inv.start_ms, f"START RequestId: {inv.request_id} Version: {inv.function_version}"))
    out.extend(_app_text(inv, story))
    out.extend(_failure_text(inv, story))
    out.append((inv.end_ms, f"END RequestId: {inv.request_id}"))
    out.append((inv.end_ms, report_line(inv)))
    return out


def _cold_text(inv: Invocation, story: Story) -> list[Line]:
    versions = f"Runtime Version: {story.runtime_version}\tRuntime Version ARN: {story.runtime_arn}"
    if inv.restore_duration_ms is not None:
        begin = inv.start_ms - math.ceil(inv.restore_duration_ms)
        report = f"RESTORE_REPORT Restore Duration: {inv.restore_duration_ms:.2f} ms"
        return [(begin, f"RESTORE_START {versions}"), (inv.start_ms, report)]
    if inv.init_duration_ms is None:
        return []
    begin = inv.start_ms - math.ceil(inv.init_duration_ms)
    out = [(begin, f"INIT_START {versions}")]
    for name in story.extensions:
        out.append((begin + 1, f"EXTENSION\tName: {name}\tState: Ready\tEvents: [INVOKE, SHUTDOWN]"))
    return out


def _app_times(inv: Invocation, count: int) -> list[int]:
    span = inv.end_ms - inv.start_ms
    return [inv.start_ms + span * (i + 1) // (count + 1) for i in range(count)]


def _app_text(inv: Invocation, story: Story) -> list[Line]:
    rid = inv.request_id
    out: list[Line] = []
    for ts, (level, msg) in zip(_app_times(inv, len(story.app)), story.app, strict=True):
        if level == PRINT:
            out.append((ts, msg))
        elif inv.runtime == "python":
            out.append((ts, f"[{'WARNING' if level == 'WARN' else level}]\t{iso(ts)}\t{rid}\t{msg}"))
        elif inv.runtime == "node":
            out.append((ts, f"{iso(ts)}\t{rid}\t{level}\t{msg}"))
        else:
            out.append((ts, f"{iso(ts)} {rid} {level:<5} {story.logger} - {msg}"))
    return out


def _failure_text(inv: Invocation, story: Story) -> list[Line]:
    end, rid = inv.end_ms, inv.request_id
    if inv.status == "timeout":
        return [(end, f"{iso(end)} {rid} Task timed out after {story.timeout_s:.2f} seconds")]
    if inv.error_type == OOM_ERROR:
        return [(end, f"RequestId: {rid} Error: Runtime exited with error: signal: killed")]
    if inv.status != "error" or inv.error_type is None:
        return []
    etype, emsg = inv.error_type, story.error_message or ""
    if inv.runtime == "python":
        frames = '  File "/var/task/app.py", line 57, in lambda_handler\n    return handle(event)\n'
        frames += '  File "/var/task/handlers.py", line 23, in handle\n    order = validate(body)'
        return [(end, f"[ERROR] {etype}: {emsg}\nTraceback (most recent call last):\n{frames}")]
    if inv.runtime == "node":
        stack = [f"{etype}: {emsg}", "    at charge (file:///var/task/index.mjs:42:11)"]
        body = json.dumps({"errorType": etype, "errorMessage": emsg, "stack": stack})
        return [(end, f"{iso(end)}\t{rid}\tERROR\tInvoke Error \t{body}")]
    trace = [
        "com.example.Handler.process(Handler.java:88)",
        "com.example.Handler.handleRequest(Handler.java:41)",
    ]
    return [(end, json.dumps({"errorMessage": emsg, "errorType": etype, "stackTrace": trace}))]


def _platform(ts: int, kind: str, record: dict[str, Any]) -> Line:
    return ts, json.dumps({"time": iso(ts), "type": f"platform.{kind}", "record": record})


def _tracing(inv: Invocation) -> dict[str, Any]:
    if inv.trace_id is None:
        return {}
    seg = segment_id(inv)
    value = f"Root={inv.trace_id};Parent={seg};Sampled=1"
    return {"tracing": {"spanId": seg, "type": "X-Amzn-Trace-Id", "value": value}}


def _json_invocation(inv: Invocation, story: Story) -> list[Line]:
    rid = inv.request_id
    out: list[Line] = []
    if inv.init_duration_ms is not None:
        record = {"initializationType": "on-demand", "phase": "init", "runtimeVersion": story.runtime_version}
        record |= {"runtimeVersionArn": story.runtime_arn, "functionName": inv.function_name}
        record["functionVersion"] = inv.function_version
        out.append(_platform(inv.start_ms - math.ceil(inv.init_duration_ms), "initStart", record))
    start = {"requestId": rid, "version": inv.function_version, **_tracing(inv)}
    out.append(_platform(inv.start_ms, "start", start))
    out.extend(_app_json(inv, story))
    if inv.status == "error" and inv.error_type != OOM_ERROR:
        error: dict[str, Any] = {"timestamp": iso(inv.end_ms), "log_level": "ERROR"}
        error |= {"errorMessage": story.error_message, "errorType": inv.error_type, "requestId": rid}
        error["stackTrace"] = ['  File "/var/task/app.py", line 31, in lambda_handler', "    build(event)"]
        out.append((inv.end_ms, json.dumps(error)))
    out.extend(_json_done(inv))
    return out


def _json_done(inv: Invocation) -> list[Line]:
    """platform.runtimeDone and platform.report."""
    failed = {"errorType": inv.error_type} if inv.error_type is not None else {}
    head: dict[str, Any] = {"requestId": inv.request_id, "status": inv.status, **failed}
    produced = 512 if inv.status == "success" else 0
    done = {**head, **_tracing(inv), "metrics": {"durationMs": inv.duration_ms, "producedBytes": produced}}
    metrics: dict[str, Any] = {"durationMs": inv.duration_ms, "billedDurationMs": inv.billed_duration_ms}
    metrics |= {"memorySizeMB": inv.memory_size_mb, "maxMemoryUsedMB": inv.max_memory_used_mb}
    if inv.init_duration_ms is not None:
        metrics["initDurationMs"] = inv.init_duration_ms
    report = {**head, "metrics": metrics, **_tracing(inv)}
    return [_platform(inv.end_ms, "runtimeDone", done), _platform(inv.end_ms, "report", report)]


def _app_json(inv: Invocation, story: Story) -> list[Line]:
    """Odd lines through the runtime's JSON `logging`, even lines from Powertools Logger on stdout."""
    out: list[Line] = []
    for i, (ts, (level, msg)) in enumerate(zip(_app_times(inv, len(story.app)), story.app, strict=True)):
        if level == PRINT:
            out.append((ts, msg))
            continue
        if i % 2:
            record: dict[str, Any] = {"timestamp": iso(ts), "level": level, "message": msg, "logger": "root"}
            record["requestId"] = inv.request_id
        else:
            record = {"level": level, "location": f"build:{40 + i}", "message": msg}
            record |= {"timestamp": powertools_time(ts), "service": story.logger, "sampling_rate": 0.0}
            record |= {"cold_start": inv.cold_start, "function_name": inv.function_name}
            record |= {"function_memory_size": str(inv.memory_size_mb), "function_arn": story.function_arn}
            record["function_request_id"] = inv.request_id
            if inv.trace_id is not None:
                record["xray_trace_id"] = inv.trace_id
        out.append((ts, json.dumps(record)))
    return out


# API Gateway ------------------------------------------------------------------------------------


def _dash(value: float) -> str:
    return "-" if value <= 0 else str(round(value))


def _access_fields(req: ApiRequest) -> dict[str, str]:
    return {
        "requestId": req.request_id,
        "ip": req.source_ip,
        "caller": "-",
        "user": "-",
        "requestTime": request_time(req.time_ms),
        "httpMethod": req.http_method,
        "resourcePath": req.resource_path,
        "status": str(req.status_code),
        "protocol": "HTTP/1.1",
        "responseLength": str(req.response_length),
    }


def _clf(req: ApiRequest) -> str:
    f = _access_fields(req)
    first = f'{f["ip"]} - - [{f["requestTime"]}] "{f["httpMethod"]} {f["resourcePath"]} {f["protocol"]}"'
    return f"{first} {f['status']} {f['responseLength']} {f['requestId']}"


def _csv(req: ApiRequest) -> str:
    f = _access_fields(req)
    keys = ("ip", "caller", "user", "requestTime", "httpMethod", "resourcePath", "protocol", "status")
    return ",".join([*(f[k] for k in keys), f["responseLength"], f["requestId"]])


def _xml(req: ApiRequest) -> str:
    f = _access_fields(req)
    inner = " ".join(f"<{k}>{v}</{k}>" for k, v in f.items() if k != "requestId")
    return f'<request id="{f["requestId"]}"> {inner} </request>'


def _custom_json(req: ApiRequest) -> str:
    f = _access_fields(req)
    f["requestTimeEpoch"] = str(req.time_ms)
    f["integrationLatency"] = _dash(req.integration_latency_ms)
    f["responseLatency"] = _dash(req.latency_ms)
    f |= {"userAgent": req.user_agent, "apiId": req.api_id, "stage": req.stage}
    del f["caller"], f["user"]
    return json.dumps(f, separators=(",", ":"))


_ACCESS: dict[str, Callable[[ApiRequest], str]] = {
    "clf": _clf,
    "json": lambda req: json.dumps(_access_fields(req), separators=(",", ":")),
    "csv": _csv,
    "xml": _xml,
    "custom_json": _custom_json,
}


def access_line(req: ApiRequest) -> Line:
    """The access log event of a request, in its own preset (`req.access_format`)."""
    return req.end_ms, _ACCESS[req.access_format](req)


def execution_lines(req: ApiRequest, lambda_request_id: str | None, error: str | None) -> list[Line]:
    """A few execution log lines `(<request id>) <message>` of one request."""
    rid, t = req.request_id, req.time_ms
    out = [
        (
            t,
            f"({rid}) Verifying Usage Plan for request: {rid}. API Key:  API Stage: {req.api_id}/{req.stage}",
        ),
        (t, f"({rid}) Starting execution for request: {rid}"),
        (t, f"({rid}) HTTP Method: {req.http_method}, Resource Path: {req.resource_path}"),
    ]
    if lambda_request_id is not None and req.status_code >= 500:
        why = f"customer function error: {error or 'Unknown'}. Lambda request id: {lambda_request_id}"
        out.append((req.end_ms, f"({rid}) Lambda execution failed with status 200 due to {why}"))
    out.append((req.end_ms, f"({rid}) Method completed with status: {req.status_code}"))
    return out
