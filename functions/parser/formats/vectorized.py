"""Column-at-a-time twins of the hottest text formats, on Arrow compute (RE2) instead of per-line Python.

START / END / REPORT lines and the runtimes' plain logging lines are most of what Lambda writes. For
them, a batch's messages are matched and split into fields as whole columns. Each twin *claims* only
lines whose shape it parses exactly like its per-line reference parser (`lambda_platform_text`,
`python_text`, `node_text`, `java_text`); anything else — a traceback, a malformed REPORT, an odd
logger name — is left to the per-line path. A test checks that both paths give identical rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from functions.parser.formats.base import LEVEL_ALIASES

Arrays = dict[str, Any]  # column name → Arrow array, one value per claimed line

_RID = r"[0-9a-fA-F-]{1,64}"
_NUMBER = r"\d+(?:\.\d+)?"
_PLACEHOLDER_IDS = pa.array(["", "-", "None", "none", "null", "undefined"])
_LEVEL_NAMES = pa.array(list(LEVEL_ALIASES))
_LEVEL_VALUES = pa.array(list(LEVEL_ALIASES.values()))
_TRACEBACK = r"Traceback \(most recent call last\):"


@dataclass(frozen=True, slots=True)
class VectorFormat:
    """`claim` picks the lines this twin parses; `parse` turns exactly those lines into columns."""

    name: str
    claim: Callable[[pa.StringArray], pa.BooleanArray]
    parse: Callable[[pa.StringArray], Arrays]


def _refine(
    lines: pa.StringArray, candidates: pa.BooleanArray, test: Callable[[pa.StringArray], pa.BooleanArray]
) -> pa.BooleanArray:
    """`candidates` narrowed by `test`, which only ever sees the candidate lines (expensive tests stay cheap)."""
    if not pc.any(candidates).as_py():
        return candidates
    passed = test(lines.filter(candidates))
    refined: pa.BooleanArray = pc.replace_with_mask(candidates, candidates, passed)
    return refined


def _regex(pattern: str) -> Callable[[pa.StringArray], pa.BooleanArray]:
    def test(lines: pa.StringArray) -> pa.BooleanArray:
        matched: pa.BooleanArray = pc.match_substring_regex(lines, pattern)
        return matched

    return test


def _prefixed(prefix: str, pattern: str) -> Callable[[pa.StringArray], pa.BooleanArray]:
    """Claim lines starting with `prefix` (a cheap test) that also match `pattern` (anchored)."""

    def claim(lines: pa.StringArray) -> pa.BooleanArray:
        return _refine(lines, pc.starts_with(lines, prefix), _regex(pattern))

    return claim


def _empty_to_null(values: Any) -> Any:
    return pc.if_else(pc.equal(values, pa.scalar("")), pa.scalar(None, pa.string()), values)


def _request_id(values: Any) -> Any:
    stripped = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.is_in(stripped, _PLACEHOLDER_IDS), pa.scalar(None, pa.string()), stripped)


def _level(names: Any) -> Any:
    positions: Any = pc.index_in(names, _LEVEL_NAMES)
    return pc.take(_LEVEL_VALUES, positions)


def _constant(value: str, n: int) -> Any:
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _number(values: Any, to: pa.DataType) -> Any:
    as_float = pc.cast(_empty_to_null(values), pa.float64())
    return as_float if to == pa.float64() else pc.cast(pc.trunc(as_float), to)


# --- START / END / REPORT -----------------------------------------------------------------------

_START = rf"^START RequestId: (?P<rid>{_RID})(?:[ \t]+Version: (?P<version>\S+))?"
_END = rf"^END RequestId: (?P<rid>{_RID})"
# Claimed only when nothing follows: an id with other characters (`8f507cfc-xmpl-...`, as documentation
# redacts them) or trailing text is the per-line parser's, which reads the whole token.
_START_CLAIM = rf"^START RequestId: {_RID}(?:[ \t]+Version: \S+)?[ \t\r\n]*$"
_END_CLAIM = rf"^END RequestId: {_RID}[ \t\r\n]*$"
# Current runtimes separate REPORT fields with tabs, mandatory ones first; older space-separated lines
# and anything unusual go to the per-line parser.
_REPORT = (
    rf"^REPORT RequestId: {_RID}\tDuration: {_NUMBER} ms\tBilled Duration: {_NUMBER} ms\t"
    r"Memory Size: \d+ MB\tMax Memory Used: \d+ MB(?:[\t\n]|$)"
)
_REPORT_TAIL = {  # column → a pattern with one group `v`, found anywhere in the line
    "init_duration_ms": rf"Init Duration: (?P<v>{_NUMBER})",
    "restore_duration_ms": rf"(?:^|\t|\n)Restore Duration: (?P<v>{_NUMBER})",
    "billed_restore_duration_ms": rf"Billed Restore Duration: (?P<v>{_NUMBER})",
    "status": r"Status: (?P<v>\S+)",
    "error_type": r"Error Type: (?P<v>\S+)",
    "trace_id": r"XRAY TraceId: (?P<v>\S+)",
}


def parse_start(lines: pa.StringArray) -> Arrays:
    found = pc.extract_regex(lines, _START)
    return {
        "record_type": _constant("start", len(lines)),
        "request_id": pc.struct_field(found, [0]),
        "function_version": _empty_to_null(pc.struct_field(found, [1])),
        "message": pc.utf8_rtrim_whitespace(lines),
    }


def parse_end(lines: pa.StringArray) -> Arrays:
    found = pc.extract_regex(lines, _END)
    return {
        "record_type": _constant("end", len(lines)),
        "request_id": pc.struct_field(found, [0]),
        "message": pc.utf8_rtrim_whitespace(lines),
    }


def _tail(lines: pa.StringArray, pattern: str) -> Any:
    """One optional REPORT field, found anywhere in the line; null where absent."""
    return pc.struct_field(pc.extract_regex(lines, pattern), [0])


def parse_report(lines: pa.StringArray) -> Arrays:
    parts = pc.split_pattern(lines, "\t", max_splits=5)

    def value(index: int, label: str, unit: str) -> Any:  # `Label: <value> <unit>` at a fixed position
        item = pc.list_element(pc.split_pattern(pc.list_element(parts, index), "\n", max_splits=1), 0)
        return pc.utf8_slice_codeunits(pc.utf8_rtrim_whitespace(item), len(label) + 2, -len(unit) - 1)

    tail = {name: _tail(lines, pattern) for name, pattern in _REPORT_TAIL.items()}
    failed = pc.fill_null(pc.not_equal(tail["status"], pa.scalar("success")), False)
    return {
        "record_type": _constant("report", len(lines)),
        "request_id": pc.utf8_slice_codeunits(pc.list_element(parts, 0), len("REPORT RequestId: ")),
        "level": pc.if_else(failed, pa.scalar("ERROR"), pa.scalar(None, pa.string())),
        "message": pc.utf8_rtrim_whitespace(lines),
        "trace_id": tail["trace_id"],
        "error_type": tail["error_type"],
        "status": tail["status"],
        "duration_ms": _number(value(1, "Duration", "ms"), pa.float64()),
        "billed_duration_ms": _number(value(2, "Billed Duration", "ms"), pa.int64()),
        "memory_size_mb": _number(value(3, "Memory Size", "MB"), pa.int32()),
        "max_memory_used_mb": _number(value(4, "Max Memory Used", "MB"), pa.int32()),
        "init_duration_ms": _number(tail["init_duration_ms"], pa.float64()),
        "restore_duration_ms": _number(tail["restore_duration_ms"], pa.float64()),
        "billed_restore_duration_ms": _number(tail["billed_restore_duration_ms"], pa.int64()),
    }


# --- runtime logging lines ------------------------------------------------------------------------

_PY_LEVELS = "|".join(name for name in LEVEL_ALIASES if name.isupper())
_PYTHON = rf"^\[(?:{_PY_LEVELS})\]\t[^\t\n]*\t[^\t\n]*\t"
_NODE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\t[^\t\n]*\t(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t"
_NODE_ERRORS = r"^[^\t]*\t[^\t]*\t[A-Z]+\t(?:Invoke Error|Uncaught Exception|Unhandled Promise Rejection)"
_JAVA = (
    r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?[ \t]+(?:(?P<rid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})[ \t]+)?(?P<level>TRACE|DEBUG|INFO|WARN|ERROR|FATAL)[ \t]+"
    r"(?P<logger>[A-Za-z0-9_.$]+)[ \t]+-[ \t]?(?P<msg>[^\n]*?)[ \t\r\n]*$"
)
_NODE_SHAPED = r"^.{10}T[^\t]{0,28}\t"  # what the per-line router sends to the Node.js parser instead


def _python_logging(lines: pa.StringArray) -> pa.BooleanArray:
    logging = pc.match_substring_regex(lines, _PYTHON)
    # RE2 finds a literal far faster than Arrow's plain substring search
    passed: pa.BooleanArray = pc.and_(logging, pc.invert(pc.match_substring_regex(lines, _TRACEBACK)))
    return passed


def _node_console(lines: pa.StringArray) -> pa.BooleanArray:
    console = pc.match_substring_regex(lines, _NODE)
    passed: pa.BooleanArray = pc.and_(console, pc.invert(pc.match_substring_regex(lines, _NODE_ERRORS)))
    return passed


def _claim_python(lines: pa.StringArray) -> pa.BooleanArray:
    return _refine(lines, pc.starts_with(lines, "["), _python_logging)


def _claim_node(lines: pa.StringArray) -> pa.BooleanArray:
    return _refine(lines, pc.starts_with(lines, "20"), _node_console)


def _app_lines(lines: pa.StringArray, level_at: int, request_id_at: int) -> Arrays:
    """Lines of four tab-separated fields, the fourth being the message (which may hold more tabs)."""
    parts = pc.split_pattern(lines, "\t", max_splits=3)
    level = pc.list_element(parts, level_at)
    if level_at == 0:
        level = pc.utf8_slice_codeunits(level, 1, -1)  # `[INFO]` → `INFO`
    return {
        "record_type": _constant("app", len(lines)),
        "level": _level(level),
        "request_id": _request_id(pc.list_element(parts, request_id_at)),
        "message": pc.utf8_rtrim_whitespace(pc.list_element(parts, 3)),
    }


def parse_python(lines: pa.StringArray) -> Arrays:
    return _app_lines(lines, level_at=0, request_id_at=2)


def parse_node(lines: pa.StringArray) -> Arrays:
    return _app_lines(lines, level_at=2, request_id_at=1)


def _log4j(lines: pa.StringArray) -> pa.BooleanArray:
    log4j = pc.match_substring_regex(lines, _JAVA)
    passed: pa.BooleanArray = pc.and_(log4j, pc.invert(pc.match_substring_regex(lines, _NODE_SHAPED)))
    return passed


def _claim_java(lines: pa.StringArray) -> pa.BooleanArray:
    return _refine(lines, pc.starts_with(lines, "20"), _log4j)


def parse_java(lines: pa.StringArray) -> Arrays:
    found = pc.extract_regex(lines, _JAVA)
    logger = pc.struct_field(found, ["logger"])
    return {
        "record_type": _constant("app", len(lines)),
        "request_id": _empty_to_null(pc.struct_field(found, ["rid"])),
        "level": pc.struct_field(found, ["level"]),
        "message": pc.struct_field(found, ["msg"]),
        "attributes": pc.binary_join_element_wise('{"logger": "', logger, '"}', ""),
    }


START = VectorFormat("lambda_start", _prefixed("START ", _START_CLAIM), parse_start)
END = VectorFormat("lambda_end", _prefixed("END ", _END_CLAIM), parse_end)
REPORT = VectorFormat("lambda_report", _prefixed("REPORT ", _REPORT), parse_report)
PYTHON = VectorFormat("python_text", _claim_python, parse_python)
NODE = VectorFormat("node_text", _claim_node, parse_node)
JAVA = VectorFormat("java_text", _claim_java, parse_java)

ALL = (START, END, REPORT, PYTHON, NODE, JAVA)
