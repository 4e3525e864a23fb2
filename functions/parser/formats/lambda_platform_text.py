"""Lambda platform lines in the text log format: START, END, REPORT, INIT_*, RESTORE_*, EXTENSION, TELEMETRY, LOGS.

Fields are separated by tabs in current runtimes and by spaces in older ones (and wherever a tool or a
page turned the tabs into spaces); both are accepted. `LOGS` lines (an extension subscribed to the Logs
API) are telemetry subscriptions like `TELEMETRY` lines.
A line that starts like a platform line but does not carry its mandatory fields (for example
`REPORT invalid report log line`) is rejected, so it is kept as 'unknown' and yields no metrics.
"""

from __future__ import annotations

import re

from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import json_text, to_float, to_int

_START = re.compile(r"^START RequestId: (\S+)(?:\s+Version: (\S+))?")
_END = re.compile(r"^END RequestId: (\S+)")
_REPORT = re.compile(
    r"^REPORT RequestId: (\S+)\s+Duration: ([\d.]+) ms\s+Billed Duration: ([\d.]+) ms\s+"
    r"Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB"
)
_REPORT_TAIL = re.compile(r"(Init Duration|Restore Duration|Billed Restore Duration|Status|Error Type): (\S+)")
_XRAY = re.compile(r"XRAY TraceId: (\S+)")
_RUNTIME = re.compile(r"^(?:INIT_START|RESTORE_START) Runtime Version: (\S+)(?:\s+Runtime Version ARN: (\S+))?")
# The labels of INIT_*, RESTORE_*, EXTENSION, TELEMETRY and LOGS lines: a value runs to the next label.
_LABELS = (
    "Init Duration",
    "Restore Duration",
    "Billed Restore Duration",
    "Phase",
    "Status",
    "Error Type",
    "Runtime Version ARN",
    "Runtime Version",
    "Name",
    "State",
    "Events",
    "Types",
)
_LABEL = re.compile(r"(?:^|(?<=[\t\n ]))(" + "|".join(re.escape(label) for label in _LABELS) + r"): ")


def _message(line: str) -> str:
    return line.rstrip()


def parse_start(line: str) -> Row | None:
    match = _START.match(line)
    if not match:
        return None
    return ("start", match.group(1), match.group(2), _message(line))


def parse_end(line: str) -> Row | None:
    match = _END.match(line)
    return ("end", match.group(1), _message(line)) if match else None


def parse_report(line: str) -> Row | None:
    match = _REPORT.match(line)
    if not match:
        return None
    request_id, duration, billed, memory, max_used = match.groups()
    end = match.end()
    tail = dict(_REPORT_TAIL.findall(line, end)) if line.find(": ", end) >= 0 else {}
    xray = _XRAY.search(line, end)
    status = tail.get("Status")
    return (
        "report",
        request_id,
        "ERROR" if status is not None and status != "success" else None,
        line.rstrip(),
        xray.group(1) if xray else None,
        tail.get("Error Type"),
        status,
        to_float(duration),
        to_int(billed),
        to_int(memory),
        to_int(max_used),
        to_float(tail.get("Init Duration")),
        to_float(tail.get("Restore Duration")),
        to_int(tail.get("Billed Restore Duration")),
    )


def _key_values(line: str, start: int) -> dict[str, str]:
    """`Label: value` pairs, separated by tabs or spaces; a value is everything up to the next label."""
    found = list(_LABEL.finditer(line, start))
    values: dict[str, str] = {}
    for here, after in zip(found, [*found[1:], None], strict=True):
        end = after.start() if after else len(line)
        values.setdefault(here.group(1), line[here.end() : end].strip())
    return values


def _attributes(values: dict[str, str]) -> str | None:
    if not values:
        return None
    return json_text({k.lower().replace(" ", "_"): v for k, v in values.items()})


def parse_runtime_start(line: str) -> Row | None:
    """INIT_START / RESTORE_START: the runtime version that the environment runs."""
    match = _RUNTIME.match(line)
    if not match:
        return None
    record_type = "init_start" if line.startswith("INIT_START") else "restore_start"
    arn = match.group(2)
    return (
        record_type,
        match.group(1),
        _attributes({"Runtime Version ARN": arn} if arn else {}),
        _message(line),
    )


def parse_init_report(line: str) -> Row | None:
    values = _key_values(line, len("INIT_REPORT"))
    duration = to_float(values.pop("Init Duration", "").removesuffix(" ms"))
    if duration is None:
        return None
    status = values.pop("Status", None)
    level = "ERROR" if status not in (None, "success") else None
    return (
        "init_report",
        duration,
        status,
        level,
        values.pop("Error Type", None),
        _attributes(values),
        _message(line),
    )


def parse_restore_report(line: str) -> Row | None:
    values = _key_values(line, len("RESTORE_REPORT"))
    duration = to_float(values.pop("Restore Duration", "").removesuffix(" ms"))
    if duration is None:
        return None
    status = values.pop("Status", None)
    level = "ERROR" if status not in (None, "success") else None
    error_type = values.pop("Error Type", None)
    return ("restore_report", duration, status, level, error_type, _attributes(values), _message(line))


def parse_extension(line: str) -> Row | None:
    """EXTENSION / TELEMETRY / LOGS lines: name, state and subscribed events or types."""
    word = line.split(None, 1)[0] if line.strip() else ""
    values = _key_values(line, len(word))
    if "Name" not in values:
        return None
    return ("extension" if word == "EXTENSION" else "telemetry", _attributes(values), _message(line))


_PLATFORM_FIELDS = ("record_type", "request_id", "level", "message", "trace_id", "error_type", "status")
_REPORT_METRICS = (
    "duration_ms",
    "billed_duration_ms",
    "memory_size_mb",
    "max_memory_used_mb",
    "init_duration_ms",
    "restore_duration_ms",
    "billed_restore_duration_ms",
)

START = Format("lambda_start", ("record_type", "request_id", "function_version", "message"), parse_start)
END = Format("lambda_end", ("record_type", "request_id", "message"), parse_end)
REPORT = Format("lambda_report", _PLATFORM_FIELDS + _REPORT_METRICS, parse_report)
RUNTIME_START = Format(
    "lambda_runtime_start", ("record_type", "runtime_version", "attributes", "message"), parse_runtime_start
)
INIT_REPORT = Format(
    "lambda_init_report",
    ("record_type", "init_duration_ms", "status", "level", "error_type", "attributes", "message"),
    parse_init_report,
)
RESTORE_REPORT = Format(
    "lambda_restore_report",
    ("record_type", "restore_duration_ms", "status", "level", "error_type", "attributes", "message"),
    parse_restore_report,
)
EXTENSION = Format("lambda_extension", ("record_type", "attributes", "message"), parse_extension)

# The first word of a platform line → its format.
BY_PREFIX: dict[str, Format] = {
    "START": START,
    "END": END,
    "REPORT": REPORT,
    "INIT_START": RUNTIME_START,
    "RESTORE_START": RUNTIME_START,
    "INIT_REPORT": INIT_REPORT,
    "RESTORE_REPORT": RESTORE_REPORT,
    "EXTENSION": EXTENSION,
    "TELEMETRY": EXTENSION,
    "LOGS": EXTENSION,
}
