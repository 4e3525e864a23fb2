"""`loglake metric-filter [--value $.field | $name | N] [--period 5m] [--default-value N] PATTERN`.

The metric a CloudWatch metric filter with PATTERN would have published over the lake's history:
one row per period with its value (the count of matching events, N per match, or the sum of the
number each match carries), the matches and the events read. As in CloudWatch, a period with
events but no match reports `--default-value` when one is given and nothing otherwise, and a
period without events reports nothing.
"""

from __future__ import annotations

import argparse
import re

from loglake.commands.engines import add_engine_arguments
from loglake.commands.errors import UsageError
from loglake.commands.lake_scope import add_scope_arguments, print_or_run, scope_from
from loglake.cwlogs_query.errors import QuerySyntaxError
from loglake.cwlogs_query.filter_ast import TextPattern
from loglake.cwlogs_query.filter_parser import NUMBER, parse_filter_pattern
from loglake.cwlogs_query.filter_sql import to_sql, value_sql
from loglake.cwlogs_query.scope import Scope
from loglake.output import FORMATS, render

_PERIOD = re.compile(r"(\d+)(s|m|h|d)")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def period_seconds(text: str) -> int:
    match = _PERIOD.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a period: {text!r} (like 30s, 1m, 5m, 1h, 1d)")
    return int(match.group(1)) * _SECONDS[match.group(2)]


def register(parser: argparse.ArgumentParser) -> None:
    add_engine_arguments(parser)
    add_scope_arguments(parser)
    parser.add_argument(
        "--value", help="metric value: $.field (JSON), $name or $3 (space-delimited) or a number (default: 1)"
    )
    parser.add_argument("--period", type=period_seconds, default=300, help="period of the metric (default 5m)")
    parser.add_argument("--default-value", type=float, help="value of periods with events but no match")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--print-sql", action="store_true", help="print the SQL instead of running it")
    parser.add_argument("pattern", help="the metric filter's pattern")
    parser.set_defaults(run=run)


def metric_sql(pattern: str, scope: Scope, period: int, value: str | None, default: float | None) -> str:
    parsed = parse_filter_pattern(pattern)
    matched = to_sql(parsed)
    extracted, without_value = "CAST(NULL AS double)", ""
    if value is None or NUMBER.fullmatch(value):
        per_match = float(value) if value is not None else 1.0
        metric = f"count_if(matched) * CAST({per_match!r} AS double)"
    else:
        if isinstance(parsed, TextPattern):
            raise QuerySyntaxError("a value needs a JSON or space-delimited pattern", value, 0)
        extracted = value_sql(parsed, value)
        metric = "sum(CASE WHEN matched THEN value END)"
        without_value = "count_if(matched AND value IS NULL) AS matches_without_value, "
    if default is not None:
        metric = f"CASE WHEN count_if(matched) = 0 THEN CAST({default!r} AS double) ELSE {metric} END"
    having = "" if default is not None else " HAVING count_if(matched) > 0"
    return (
        "WITH marked AS ("
        f"SELECT CAST(from_unixtime(floor(to_unixtime(event_time) / {period}) * {period}) AS timestamp) AS period, "
        f"{matched} AS matched, {extracted} AS value FROM events WHERE {scope.where()}) "
        f"SELECT period, {metric} AS value, count_if(matched) AS matches, {without_value}count(*) AS events "
        f"FROM marked GROUP BY period{having} ORDER BY period"
    )


def run(args: argparse.Namespace) -> int:
    try:
        sql = metric_sql(args.pattern, scope_from(args), args.period, args.value, args.default_value)
    except ValueError as exc:  # a --value or --default-value the pattern can't give
        raise UsageError(str(exc)) from exc
    result = print_or_run(args, sql)
    if result is not None:
        print(render(result, args.format))
    return 0
