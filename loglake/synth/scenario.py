"""A realistic day of four Lambda functions and the REST API in front of one of them.

Everything comes from one `random.Random(seed)`: the same arguments give byte-identical deliveries.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from dataclasses import dataclass
from random import Random
from string import ascii_lowercase, digits
from typing import Any

from functions.sinks.keys import HOUR_MS
from loglake.synth.apigw import API_FUNCTION, MINUTE_MS, diurnal, simulate_api
from loglake.synth.catalog import FUNCTIONS, FunctionSpec
from loglake.synth.lines import OOM_ERROR, Line, Story, render_invocation
from loglake.synth.payloads import REGION, control_payload, data_payloads, encode, log_events
from loglake.synth.truth import Dataset, Invocation


@dataclass(slots=True)
class _Environment:
    stream: str
    version: str
    free_at: int
    idle_until: int
    retire_at: int
    uses: int = 0


def generate(
    *,
    seed: int,
    start_ms: int,
    hours: int = 24,
    invocations_per_hour: int = 2000,
    max_events_per_delivery: int = 500,
) -> Dataset:
    """Deliveries of `hours` of traffic from `start_ms`, with the truth they were rendered from."""
    rng = Random(seed)
    owner = str(rng.randrange(10**11, 10**12))
    api_id = "".join(rng.choice(ascii_lowercase + digits) for _ in range(10))
    buckets: dict[tuple[str, str], list[Line]] = {}
    invocations: list[Invocation] = []
    api_calls: list[tuple[int, Invocation]] = []
    for spec in FUNCTIONS:
        arrivals = _arrivals(rng, start_ms, hours, invocations_per_hour * spec.share)
        deploy_ms = start_ms + round(hours * HOUR_MS * spec.deploy_at / MINUTE_MS) * MINUTE_MS
        for arrival, inv, message in _simulate(spec, rng, arrivals, deploy_ms):
            story = _story(spec, rng, message, owner)
            buckets.setdefault((inv.log_group, inv.log_stream), []).extend(render_invocation(inv, story))
            invocations.append(inv)
            if spec.name == API_FUNCTION:
                api_calls.append((arrival, inv))
    requests = simulate_api(rng, api_id, api_calls, (start_ms, hours * HOUR_MS), buckets)
    deliveries, count = _deliveries(owner, buckets, max_events_per_delivery, start_ms)
    invocations.sort(key=lambda inv: (inv.start_ms, inv.function_name, inv.request_id))
    return Dataset(deliveries=deliveries, invocations=invocations, requests=requests, event_count=count, owner=owner)


def _arrivals(rng: Random, start_ms: int, hours: int, per_hour: float) -> list[int]:
    out: list[int] = []
    for hour in range(hours):
        begin = start_ms + hour * HOUR_MS
        mean = per_hour * diurnal(begin + HOUR_MS // 2)
        count = int(mean) + (rng.random() < mean - int(mean))
        out.extend(begin + rng.randrange(HOUR_MS) for _ in range(count))
    out.sort()
    return out


def _simulate(
    spec: FunctionSpec, rng: Random, arrivals: list[int], deploy_ms: int
) -> list[tuple[int, Invocation, str | None]]:
    """Route arrivals to execution environments: reuse a free one, else spin up a new one (cold start)."""
    envs: list[_Environment] = []
    out: list[tuple[int, Invocation, str | None]] = []
    for t in arrivals:
        deployed = len(spec.versions) > 1 and t >= deploy_ms
        version = spec.versions[-1] if deployed else spec.versions[0]
        envs = [e for e in envs if e.version == version and e.idle_until > t and e.retire_at > t]
        env = max((e for e in envs if e.free_at <= t), key=lambda e: e.free_at, default=None)
        if env is None:
            day = time.strftime("%Y/%m/%d", time.gmtime(t // 1000))
            stream = f"{day}/[{version}]{rng.getrandbits(128):032x}"
            env = _Environment(stream, version, t, t, t + rng.randint(90, 240) * MINUTE_MS)
            envs.append(env)
        inv, message = _invocation(spec, rng, env, t, deployed)
        env.uses += 1
        env.free_at = inv.end_ms + rng.randint(1, 30)
        env.idle_until = env.free_at + rng.randint(5, 45) * MINUTE_MS
        if inv.status == "timeout" or inv.error_type == OOM_ERROR:
            envs.remove(env)  # the sandbox is reset: the next invocation starts cold
        out.append((t, inv, message))
    return out


def _outcome(spec: FunctionSpec, rng: Random) -> tuple[str, str | None, str | None]:
    """(status, error type, error message)."""
    r = rng.random()
    if r < spec.timeout_rate:
        return "timeout", None, None
    if r < spec.timeout_rate + spec.oom_rate:
        return "error", OOM_ERROR, None
    if r < spec.timeout_rate + spec.oom_rate + spec.error_rate:
        error_type, message = rng.choice(spec.errors)
        return "error", error_type, message
    return "success", None, None


def _invocation(
    spec: FunctionSpec, rng: Random, env: _Environment, arrival: int, deployed: bool
) -> tuple[Invocation, str | None]:
    status, error_type, message = _outcome(spec, rng)
    cold = env.uses == 0
    startup = round(spec.startup_ms * rng.lognormvariate(0, 0.25), 2) if cold else None
    start = arrival + (math.ceil(startup) if startup is not None else 0)
    duration = _duration(spec, rng, status, cold, deployed)
    low, high = spec.memory_used
    used = min(spec.memory_mb, low + int((high - low) * rng.random() ** 2) + env.uses // 25)
    if error_type == OOM_ERROR or rng.random() < spec.full_memory_rate:
        used = spec.memory_mb
    sampled = rng.random() < spec.trace_rate
    inv = Invocation(
        function_name=spec.name,
        function_version=env.version,
        request_id=_uuid(rng),
        log_stream=env.stream,
        start_ms=start,
        duration_ms=duration,
        billed_duration_ms=math.ceil(duration),
        memory_size_mb=spec.memory_mb,
        max_memory_used_mb=used,
        init_duration_ms=None if spec.snapstart else startup,
        status=status,
        error_type=error_type,
        trace_id=f"1-{start // 1000:08x}-{rng.getrandbits(96):024x}" if sampled else None,
        log_format=spec.log_format,
        runtime=spec.runtime,
        restore_duration_ms=startup if spec.snapstart else None,
    )
    return inv, message


def _duration(spec: FunctionSpec, rng: Random, status: str, cold: bool, deployed: bool) -> float:
    limit = spec.timeout_s * 1000
    if status == "timeout":
        return round(limit + rng.uniform(0.5, 6.0), 2)
    duration = spec.median_ms * rng.lognormvariate(0, spec.sigma)
    duration *= (spec.slowdown if deployed else 1.0) * (1.25 if cold else 1.0)
    return round(min(max(duration, 1.1), limit - rng.uniform(5.0, 200.0)), 2)


def _uuid(rng: Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


@functools.cache
def _runtime_arn(runtime_version: str) -> str:
    return f"arn:aws:lambda:{REGION}::runtime:{hashlib.sha256(runtime_version.encode()).hexdigest()}"


def _story(spec: FunctionSpec, rng: Random, error_message: str | None, owner: str) -> Story:
    values = {
        "order": f"ord-{rng.getrandbits(32):08x}",
        "n": rng.randint(1, 9),
        "sku": rng.randint(10, 99),
        "tenant": rng.randint(100, 999),
        "rows": rng.randint(100, 99_999),
        "ms": rng.randint(3, 250),
        "amount": f"{rng.randint(199, 49999) / 100:.2f}",
        "key": f"uploads/{rng.getrandbits(40):010x}.jpg",
        "size": rng.choice((128, 256, 512)),
    }
    app = tuple((level, text.format(**values)) for level, text, p in spec.messages if rng.random() < p)
    return Story(
        runtime_version=spec.runtime_version,
        runtime_arn=_runtime_arn(spec.runtime_version),
        function_arn=f"arn:aws:lambda:{REGION}:{owner}:function:{spec.name}",
        timeout_s=spec.timeout_s,
        logger=spec.logger,
        app=app,
        error_message=error_message,
        extensions=spec.extensions,
    )


def _deliveries(
    owner: str, buckets: dict[tuple[str, str], list[Line]], max_events: int, start_ms: int
) -> tuple[list[dict[str, Any]], int]:
    payloads: list[dict[str, Any]] = []
    serial = 0
    for (group, stream), lines in buckets.items():
        events = log_events(lines, serial)
        serial += len(events)
        payloads.extend(data_payloads(owner, group, stream, events, max_events))
    payloads.sort(key=lambda p: (p["logEvents"][0]["timestamp"], p["logGroup"], p["logStream"]))
    count = sum(len(p["logEvents"]) for p in payloads)
    return [encode(control_payload(start_ms)), *(encode(p) for p in payloads)], count
