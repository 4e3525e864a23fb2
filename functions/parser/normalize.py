"""Parsed columns + what the batch knows (account, group, stream, region, ingest time) → schema rows.

Pure. The output has exactly the columns of `schemas.events.EVENTS`, one row per input event, in
input order. Three things need the whole batch rather than one line:
- `function_version` comes from START (or platform.start) and otherwise from the log stream name,
  `YYYY/MM/DD/[<version>]<hex>`: a stream is one execution environment of one version.
- A function logging to a custom log group (advanced logging controls; several functions may share
  the group) writes streams named `YYYY/MM/DD/<function>[<version>]<hex>`: the function name comes
  from the stream, and such a batch is Lambda's whatever the group is called (the naming is AWS's:
  https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html).
- A line without a request id (a traceback, a print) belongs to the invocation in flight: after its
  START and before its END in the same stream. Batches can begin mid-invocation, so the id is also
  taken backwards from the END/REPORT that closes it.
- `source` is known from the log group name, or, for a custom-named group, from the lines themselves.
A row whose format found no text to put in `message` (a JSON metric line, say) gets its line, right-trimmed:
every row can be found by a word search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from functions.parser.decode import LogBatch
from functions.parser.formats import apigateway_execution, plain
from functions.parser.pipeline import ParsedLines, parse_lines
from schemas.arrow import arrow_schema
from schemas.events import EVENTS

SCHEMA = arrow_schema(EVENTS)
# `YYYY/MM/DD/[<version>]<id>` in /aws/lambda/<function>, `YYYY/MM/DD/<function>[<version>]<id>` elsewhere
_LAMBDA_STREAM = re.compile(r"^\d{4}/\d\d/\d\d/([A-Za-z0-9_-]{0,140})\[([^\[\]]+)\]\[?[0-9a-zA-Z]+\]?$")
Column: TypeAlias = "pa.Array[Any] | pa.ChunkedArray[Any]"
_OPENS = pa.array(["start"])
_CLOSES = pa.array(["end", "runtime_done", "report"])
_LAMBDA_MARKERS = pa.array(["start", "end", "report", "init_start", "runtime_done"])


@dataclass(frozen=True, slots=True)
class BatchContext:
    region: str
    ingest_time_ms: int


@dataclass(frozen=True, slots=True)
class NormalizedBatch:
    batch: LogBatch
    table: pa.Table
    format_counts: dict[str, int]
    parser_failures: int

    @property
    def unknown(self) -> int:
        return self.format_counts.get(plain.UNKNOWN.name, 0)


def source_of(log_group: str) -> str:
    if log_group.startswith("/aws/lambda/"):
        return "lambda"
    lowered = log_group.lower()
    if lowered.startswith(("api-gateway-execution-logs_", "/aws/apigateway/", "/aws/api-gateway/", "/aws/http-api/")):
        return "apigateway"
    return "other"


def function_name_of(log_group: str, log_stream: str = "") -> str | None:
    """The function whose logs these are: from `/aws/lambda/<function>`, else from a custom group's stream."""
    name = log_group.removeprefix("/aws/lambda/")
    if name != log_group:
        return name or None
    match = _LAMBDA_STREAM.match(log_stream)
    return (match.group(1) or None) if match else None


def version_of(log_stream: str) -> str | None:
    match = _LAMBDA_STREAM.match(log_stream)
    return match.group(2) if match else None


def is_lambda_stream(log_stream: str) -> bool:
    return _LAMBDA_STREAM.match(log_stream) is not None


def _constant(value: object, n: int, type_: pa.DataType) -> Column:
    """A column of one value (Parquet stores it once per page through its dictionary)."""
    column: Column = pa.repeat(pa.scalar(value, type_), n)  # type: ignore[call-overload]
    return column


def _nulls(n: int, name: str) -> Column:
    column: Column = pa.nulls(n, SCHEMA.field(name).type)
    return column


def _column(parsed: pa.Table, name: str) -> Column:
    if name in parsed.column_names:
        column: Column = parsed[name]
        return column
    return _nulls(parsed.num_rows, name)


def _or(parsed: pa.Table, name: str, default: object) -> Column:
    """The parsed value where a line had one, the batch-level default elsewhere."""
    column = _column(parsed, name)
    if default is None or column.null_count == 0:
        return column
    filled: Column = pc.coalesce(column, pa.scalar(default, SCHEMA.field(name).type))
    return filled


def inherit_request_ids(record_type: Column, request_id: Column) -> Column:
    """Fill missing request ids with the invocation in flight (see the module docstring)."""
    opens = pc.is_in(record_type, _OPENS)
    closes = pc.is_in(record_type, _CLOSES)
    empty = pa.scalar("", pa.string())
    none = pa.scalar(None, pa.string())
    forward = pc.fill_null_forward(pc.if_else(opens, request_id, pc.if_else(closes, empty, none)))
    backward = pc.fill_null_backward(pc.if_else(closes, request_id, pc.if_else(opens, empty, none)))
    before = pc.if_else(pc.equal(forward, empty), none, forward)
    after = pc.if_else(pc.equal(backward, empty), none, backward)
    inherited = pc.coalesce(before, after)
    result: Column = pc.coalesce(request_id, inherited)
    return result


def _source_before_parsing(batch: LogBatch) -> str:
    """By the group's name; a custom group whose stream is a Lambda's (`2026/11/27/[$LATEST]…`) is Lambda's."""
    source = source_of(batch.log_group)
    return "lambda" if source == "other" and function_name_of(batch.log_group, batch.log_stream) else source


def _source_after_parsing(source: str, parsed: pa.Table) -> str:
    """A custom group that holds the Lambda platform's own records (START, REPORT…) is Lambda's too."""
    if source == "other" and parsed.num_rows and pc.any(pc.is_in(parsed["record_type"], _LAMBDA_MARKERS)).as_py():
        return "lambda"
    return source


def normalize(batch: LogBatch, ctx: BatchContext) -> NormalizedBatch:
    source = _source_before_parsing(batch)
    fallback = plain.PRINT if source == "lambda" else plain.UNKNOWN
    raw = pa.array(batch.messages, pa.string())
    parsed_lines: ParsedLines = parse_lines(batch.messages, fallback)
    parsed = parsed_lines.columns
    n = len(batch)
    source = _source_after_parsing(source, parsed)
    api_id, stage = apigateway_execution.api_and_stage_from_group(batch.log_group)
    request_id = _column(parsed, "request_id")
    if source == "lambda" and request_id.null_count:
        request_id = inherit_request_ids(parsed["record_type"], request_id)
    computed: dict[str, Column] = {
        "event_id": pa.array(batch.event_ids, pa.string()),
        "event_time": pa.array(batch.timestamps, pa.timestamp("ms")),
        "ingest_time": _constant(ctx.ingest_time_ms, n, pa.timestamp("ms")),
        "account_id": _constant(batch.owner, n, pa.string()),
        "region": _constant(ctx.region, n, pa.string()),
        "log_group": _constant(batch.log_group, n, pa.string()),
        "log_stream": _constant(batch.log_stream, n, pa.string()),
        "source": _or(parsed, "source", source),
        "function_name": _or(parsed, "function_name", function_name_of(batch.log_group, batch.log_stream)),
        "function_version": _or(parsed, "function_version", version_of(batch.log_stream)),
        "request_id": request_id,
        "raw": raw,
        "message": pc.coalesce(_column(parsed, "message"), pc.utf8_rtrim_whitespace(raw)),
        "api_id": _or(parsed, "api_id", api_id),
        "stage": _or(parsed, "stage", stage),
    }
    arrays = [computed[f.name] if f.name in computed else _column(parsed, f.name) for f in SCHEMA]
    table = pa.Table.from_arrays(arrays, schema=SCHEMA)
    return NormalizedBatch(batch, table, parsed_lines.format_counts, parsed_lines.failures)
