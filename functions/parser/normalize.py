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
_FIELDS = [(f.name, f.type) for f in SCHEMA]  # read once: a field's wrapper costs a microsecond a time
# `YYYY/MM/DD/[<version>]<id>` in /aws/lambda/<function>, `YYYY/MM/DD/<function>[<version>]<id>` elsewhere
_LAMBDA_STREAM = re.compile(r"^\d{4}/\d\d/\d\d/([A-Za-z0-9_-]{0,140})\[([^\[\]]+)\]\[?[0-9a-zA-Z]+\]?$")
Column: TypeAlias = "pa.Array[Any] | pa.ChunkedArray[Any]"
_OPENS = frozenset(("start",))
_CLOSES = frozenset(("end", "runtime_done", "report"))
_LAMBDA_MARKERS = frozenset(("start", "end", "report", "init_start", "runtime_done"))


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


def _array(values: list[Any], name: str) -> Column:
    column: Column = pa.array(values, SCHEMA.field(name).type)
    return column


def _or(values: list[Any] | None, default: object, n: int) -> list[Any] | None:
    """The parsed value where a line had one, the batch-level default elsewhere (None: no value at all)."""
    if default is None:
        return values
    if values is None:
        return [default] * n
    return [default if v is None else v for v in values] if None in values else values


def inherit_request_ids(record_types: list[str | None], request_ids: list[str | None]) -> list[str | None]:
    """Fill missing request ids with the invocation in flight (see the module docstring): the id of the
    last START before a line, unless an END/REPORT closed it since; else the id of the first END/REPORT
    after it, unless a START opened another invocation first."""
    n = len(request_ids)
    before: list[str | None] = [None] * n
    current: str | None = None
    for i, (record_type, request_id) in enumerate(zip(record_types, request_ids, strict=True)):
        if record_type in _OPENS:
            current = request_id if request_id is not None else current
        elif record_type in _CLOSES:
            current = ""
        before[i] = current
    after: list[str | None] = [None] * n
    current = None
    for i in range(n - 1, -1, -1):
        record_type, request_id = record_types[i], request_ids[i]
        if record_type in _CLOSES:
            current = request_id if request_id is not None else current
        elif record_type in _OPENS:
            current = ""
        after[i] = current
    return [
        request_id if request_id is not None else (early or late or None)
        for request_id, early, late in zip(request_ids, before, after, strict=True)
    ]


def _source_before_parsing(batch: LogBatch) -> str:
    """By the group's name; a custom group whose stream is a Lambda's (`2026/11/27/[$LATEST]…`) is Lambda's."""
    source = source_of(batch.log_group)
    return "lambda" if source == "other" and function_name_of(batch.log_group, batch.log_stream) else source


def _source_after_parsing(source: str, record_types: list[str | None]) -> str:
    """A custom group that holds the Lambda platform's own records (START, REPORT…) is Lambda's too."""
    if source == "other" and not _LAMBDA_MARKERS.isdisjoint(record_types):
        return "lambda"
    return source


def _message(parsed: list[Any] | None, raw: Column) -> Column:
    """The parsed message, or the line right-trimmed where its format found none."""
    if parsed is not None and None not in parsed:
        return _array(parsed, "message")
    trimmed: Column = pc.utf8_rtrim_whitespace(raw)
    if parsed is None:
        return trimmed
    filled: Column = pc.coalesce(_array(parsed, "message"), trimmed)
    return filled


def normalize(batch: LogBatch, ctx: BatchContext) -> NormalizedBatch:
    source = _source_before_parsing(batch)
    fallback = plain.PRINT if source == "lambda" else plain.UNKNOWN
    raw = pa.array(batch.messages, pa.string())
    parsed_lines: ParsedLines = parse_lines(batch.messages, fallback)
    parsed = parsed_lines.fields
    n = len(batch)
    record_types = parsed.get("record_type", [None] * n)
    source = _source_after_parsing(source, record_types)
    api_id, stage = apigateway_execution.api_and_stage_from_group(batch.log_group)
    request_id = parsed.get("request_id")
    if source == "lambda" and request_id is not None and None in request_id:
        request_id = inherit_request_ids(record_types, request_id)
    filled: dict[str, list[Any] | None] = {
        **parsed,
        "request_id": request_id,
        "source": _or(parsed.get("source"), source, n),
        "function_name": _or(parsed.get("function_name"), function_name_of(batch.log_group, batch.log_stream), n),
        "function_version": _or(parsed.get("function_version"), version_of(batch.log_stream), n),
        "api_id": _or(parsed.get("api_id"), api_id, n),
        "stage": _or(parsed.get("stage"), stage, n),
    }
    computed: dict[str, Column] = {
        "event_id": pa.array(batch.event_ids, pa.string()),
        "event_time": pa.array(batch.timestamps, pa.timestamp("ms")),
        "ingest_time": _constant(ctx.ingest_time_ms, n, pa.timestamp("ms")),
        "account_id": _constant(batch.owner, n, pa.string()),
        "region": _constant(ctx.region, n, pa.string()),
        "log_group": _constant(batch.log_group, n, pa.string()),
        "log_stream": _constant(batch.log_stream, n, pa.string()),
        "raw": raw,
        "message": _message(parsed.get("message"), raw),
    }
    unfilled = {type_ for name, type_ in _FIELDS if name not in computed and filled.get(name) is None}
    nulls = {type_: pa.nulls(n, type_) for type_ in unfilled}  # one all-null array per type, shared
    arrays = [
        computed[name]
        if name in computed
        else nulls[type_]
        if (values := filled.get(name)) is None
        else pa.array(values, type_)
        for name, type_ in _FIELDS
    ]
    table = pa.Table.from_arrays(arrays, schema=SCHEMA)
    return NormalizedBatch(batch, table, parsed_lines.format_counts, parsed_lines.failures)
