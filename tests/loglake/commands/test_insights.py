"""`loglake insights` on DuckDB and on Trino, through the CLI: documented examples and the Lambda sample queries.

Sources: AWS CloudWatch Logs User Guide, "CloudWatch Logs Insights Query Syntax" and "Sample
Queries" (archived as awsdocs/amazon-cloudwatch-logs-user-guide, doc_source/CWL_QuerySyntax.md and
CWL_QuerySyntax-examples.md). Expected rows are worked out by hand from the events below, or
computed in the test from the fixture payloads with a few lines of plain Python.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from loglake.cli import main
from loglake.cwlogs_query.insights_sql import to_sql
from loglake.cwlogs_query.scope import Scope
from tests.loglake.cwlogs_query.doc_lake import ingest, payload_at
from tests.loglake.cwlogs_query.engines import ENGINES, engine_args, run_batch
from tests.support import ALL_LAMBDA_PAYLOADS, load_payload

T0 = 1795755600000  # 2026-11-27T05:00:00Z
MIN = 60_000
DOC = [
    (
        T0 + 10_000,
        {"id": "e1", "f1": "Exception", "f2": "a", "f3": 30, "duration": 2500, "statusCode": 200, "Type": "foo"},
    ),
    (
        T0 + 2 * MIN,
        {"id": "e2", "f1": "exception", "f2": "b", "f3": 10, "duration": 1500, "statusCode": 404, "Type": "bar"},
    ),
    (
        T0 + 6 * MIN,
        {
            "id": "e3",
            "f1": "NullPointerException thrown",
            "f2": "a",
            "f3": 26,
            "duration": 2001,
            "statusCode": 500,
            "Type": "1",
        },
    ),
    (T0 + 7 * MIN, {"id": "e4", "f1": "none", "f2": "c", "f3": 5, "duration": 100, "statusCode": 201, "Type": "baz"}),
    (T0 + 12 * MIN, {"id": "e5", "f1": 10, "f2": "a", "f3": 1, "duration": 2000, "statusCode": 300, "Type": "qux"}),
]
PARSE_LINE = "25 May 2019 10:24:39,474 [ERROR] {foo=2, bar=data} The error was: DataIntegrityException"
R = ["11111111-1111-4111-8111-11111111111" + str(i) for i in range(1, 5)]


def report(request_id: str, duration: str, used: int) -> str:
    return (
        f"REPORT RequestId: {request_id}\tDuration: {duration} ms\tBilled Duration: {int(float(duration)) + 1} ms\t"
        f"Memory Size: 512 MB\tMax Memory Used: {used} MB\t\n"
    )


LATENCY = [
    (T0 + 5_000, f"START RequestId: {R[0]} Version: $LATEST\n"),
    (T0 + 6_000, f"[INFO]\t2026-11-27T05:00:06.000Z\t{R[0]}\tprocessing order 1\n"),
    (T0 + 7_000, f"END RequestId: {R[0]}\n"),
    (T0 + 7_001, report(R[0], "120.50", 100)),
    (T0 + 3 * MIN, report(R[1], "80.00", 120)),
    (T0 + 6 * MIN, report(R[2], "200.00", 130)),
    (T0 + 6 * MIN + 30_000, f"[ERROR]\t2026-11-27T05:06:30.000Z\t{R[3]}\tpayment failed: Exception: card declined\n"),
    (T0 + 7 * MIN, report(R[3], "40.00", 90)),
]
FIXTURE_GROUPS = sorted({load_payload(name)["logGroup"] for name in ALL_LAMBDA_PAYLOADS})


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("insights") / "lake"
    ingest(
        lake,
        [
            payload_at("/doc/insights", [(t, json.dumps(e)) for t, e in DOC]),
            payload_at("/doc/parse", [(T0, PARSE_LINE)]),
            payload_at("/aws/lambda/latency", LATENCY),
            *(load_payload(name) for name in ALL_LAMBDA_PAYLOADS),
        ],
    )
    return lake


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def on(request: pytest.FixtureRequest, engine: str, lake: Path) -> list[str]:
    """The arguments that run a command over the lake on the engine."""
    return engine_args(request, engine, lake, "cwl_insights")


def insights(on: list[str], capsys: pytest.CaptureFixture[str], query: str, *groups: str) -> list[dict[str, Any]]:
    scope = [arg for group in groups for arg in ("--log-group", group)]
    code = main(["insights", *on, "--format", "json", *scope, query])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    rows: list[dict[str, Any]] = json.loads(captured.out)
    return rows


FILTERS = [
    # (query, ids) — the filter examples of "Query Commands" and "Matches and Regular Expressions"
    ("filter (duration>2000)", {"e1", "e3"}),
    ("filter (f1=10 or f3>25)", {"e1", "e3", "e5"}),
    (r"filter statusCode like /2\d\d/", {"e1", "e4"}),
    ("filter statusCode in [300,400,500]", {"e3", "e5"}),
    ('filter Type not in ["foo","bar",1]', {"e4", "e5"}),
    ("filter f1 like /Exception/", {"e1", "e3"}),
    ("filter f1 =~ /Exception/", {"e1", "e3"}),
    ('filter f1 like "Exception"', {"e1", "e3"}),
    ("filter f1 like /(?i)Exception/", {"e1", "e2", "e3"}),
    ("filter f1 =~ /^(?i)Exception$/", {"e1", "e2"}),
    ("filter @message not like /Exception/", {"e2", "e4", "e5"}),
    ("filter not (f3 > 9)", {"e4", "e5"}),
    ('filter f2 = "a" and f3 >= 26', {"e1", "e3"}),
    ("filter ispresent(Type) and not isempty(Type) and strlen(Type) = 3", {"e1", "e2", "e4", "e5"}),
]


@pytest.fixture(scope="module")
def trino_batch(engine: str, on: list[str]) -> list[list[dict[str, Any]]]:
    """On Trino, every filter's rows from one batched query (the SQL `loglake insights` runs for each)."""
    if engine != "trino":
        return []
    queries = [to_sql(f"fields id | {condition}", Scope(("/doc/insights",))) for condition, _ in FILTERS]
    return run_batch(on, queries, ["id"], ["id"])


@pytest.mark.parametrize("case", range(len(FILTERS)), ids=[f[0] for f in FILTERS])
def test_documented_filters_select_the_events_worked_out_by_hand(
    engine: str, on: list[str], trino_batch: list[list[dict[str, Any]]], capsys: pytest.CaptureFixture[str], case: int
) -> None:
    condition, ids = FILTERS[case]
    rows = trino_batch[case] if engine == "trino" else insights(on, capsys, f"fields id | {condition}", "/doc/insights")
    assert {r["id"] for r in rows} == ids


def test_default_columns_order_and_limit(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # Without fields: @timestamp and @message; without sort: the most recent first
    rows = insights(on, capsys, 'filter f2 = "a"', "/doc/insights")
    assert list(rows[0]) == ["@timestamp", "@message"]
    assert [json.loads(r["@message"])["id"] for r in rows] == ["e5", "e3", "e1"]
    main(["insights", "--print-sql", 'filter f2 = "a"'])
    assert capsys.readouterr().out.rstrip().endswith("LIMIT 10000")


def test_sort_limit_display_and_dedup(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    rows = insights(on, capsys, "fields id, f2, f3 | sort f3 desc | limit 2 | display id", "/doc/insights")
    assert rows == [{"id": "e1"}, {"id": "e3"}]  # f3 30 and 26, compared as numbers
    rows = insights(on, capsys, "sort @timestamp asc | limit 2 | fields id", "/doc/insights")
    assert [r["id"] for r in rows] == ["e1", "e2"]
    # dedup keeps the first event of each f2 in the current order (most recent first)
    rows = insights(on, capsys, "fields id, f2 | dedup f2 | sort id", "/doc/insights")
    assert [(r["id"], r["f2"]) for r in rows] == [("e2", "b"), ("e4", "c"), ("e5", "a")]


def test_stats_by_field_with_alias_and_sort(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # "stats avg(f1) as myAvgF1 | sort myAvgF1 desc", on f3: a = (30 + 26 + 1) / 3, b = 10, c = 5
    rows = insights(on, capsys, "stats avg(f3) as myAvgF3, count(*) by f2 | sort myAvgF3 desc", "/doc/insights")
    assert rows == [
        {"f2": "a", "myAvgF3": 19.0, "count(*)": 3},
        {"f2": "b", "myAvgF3": 10.0, "count(*)": 1},
        {"f2": "c", "myAvgF3": 5.0, "count(*)": 1},
    ]


def test_stats_by_bin_names_its_columns_as_insights_does(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # e1, e2 in 05:00-05:05; e3, e4 in 05:05-05:10; e5 at 05:12
    rows = insights(on, capsys, "stats count(*), sum(f3), pct(f3, 100) by bin(5m)", "/doc/insights")
    assert rows == [
        {"bin(5m)": "2026-11-27 05:00:00.000", "count(*)": 2, "sum(f3)": 40.0, "pct(f3, 100)": 30.0},
        {"bin(5m)": "2026-11-27 05:05:00.000", "count(*)": 2, "sum(f3)": 31.0, "pct(f3, 100)": 26.0},
        {"bin(5m)": "2026-11-27 05:10:00.000", "count(*)": 1, "sum(f3)": 1.0, "pct(f3, 100)": 1.0},
    ]


def test_earliest_latest_distinct_and_stddev(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    rows = insights(
        on,
        capsys,
        "stats earliest(id), latest(id), count_distinct(f2), min(f3), max(f3), stddev(f3), count(f1), sortsFirst(id)",
        "/doc/insights",
    )
    f3 = [30, 10, 26, 5, 1]
    mean = sum(f3) / 5
    stddev = (sum((x - mean) ** 2 for x in f3) / 4) ** 0.5
    assert rows[0]["earliest(id)"] == "e1" and rows[0]["latest(id)"] == "e5"
    assert (rows[0]["count_distinct(f2)"], rows[0]["min(f3)"], rows[0]["max(f3)"]) == (3, 1.0, 30.0)
    assert rows[0]["stddev(f3)"] == pytest.approx(stddev)
    assert (rows[0]["count(f1)"], rows[0]["sortsFirst(id)"]) == (5, "e1")


def test_string_number_and_time_functions(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    query = (
        'filter id = "e1" | fields substr("xyZfooxyZ", 3, 3) as s, replace("foo", "o", "0") as r, '
        'toupper(f2) as u, tolower("AbC") as l, concat(Type, "-", statusCode) as opStatus, trim("  x ") as t, '
        'strcontains(f1, "cept") as c, 2 ^ 3 as p, 10 % 3 as m, abs(-2) as a, ceil(2.1) as ce, floor(2.9) as fl, '
        "greatest(1, 5, 3) as g, least(4, 2) as le, coalesce(missing, f2) as co, isempty(missing) as e, "
        "toMillis(@timestamp) as ms, fromMillis(0) as epoch, datefloor(@timestamp, 1h) as h, f3 / 4 as q, "
        '@log as lg, ltrim("  x ") as lt, rtrim("  x ") as rt, isblank("  ") as bl, sqrt(16) as sq, log(1) as ln, '
        "dateceil(@timestamp, 1h) as hc"
    )
    rows = insights(on, capsys, query, "/doc/insights")
    # Expected values from the function table of "Supported Operations and Functions"
    assert rows == [
        {
            "s": "foo",
            "r": "f00",
            "u": "A",
            "l": "abc",
            "opStatus": "foo-200",
            "t": "x",
            "c": 1,
            "p": 8.0,
            "m": 1,
            "a": 2,
            "ce": 3.0,
            "fl": 2.0,
            "g": 5,
            "le": 2,
            "co": "a",
            "e": True,
            "ms": T0 + 10_000,
            "epoch": "1970-01-01 00:00:00.000",
            "h": "2026-11-27 05:00:00.000",
            "q": 7.5,
            "lg": "123456789012:/doc/insights",
            "lt": "x ",
            "rt": "  x",
            "bl": True,
            "sq": 4.0,
            "ln": 0.0,
            "hc": "2026-11-27 06:00:00.000",
        }
    ]


def test_parse_glob_and_regex_as_documented(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    expected = [{"level": "ERROR", "config": "{foo=2, bar=data}", "exception": "DataIntegrityException"}]
    glob = 'parse @message "[*] * The error was: *" as level, config, exception | display level, config, exception'
    assert insights(on, capsys, glob, "/doc/parse") == expected
    regex = (
        r"parse @message /\[(?<level>\S+)\]\s+(?<config>\{.*\})\s+The error was: (?<exception>\S+)/"
        " | display level, config, exception"
    )
    assert insights(on, capsys, regex, "/doc/parse") == expected
    # an event the pattern does not fit gets no value
    assert insights(on, capsys, 'parse @message "[*] *" as a, b | display a', "/doc/insights") == [{"a": None}] * 5


def test_lambda_latency_report_by_five_minute_bins(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # "Create a latency report" (Sample Queries, Lambda); REPORT durations 120.5, 80 | 200, 40
    query = 'filter @type = "REPORT" | stats avg(@duration), max(@duration), min(@duration) by bin(5m)'
    rows = insights(on, capsys, query, "/aws/lambda/latency")
    assert rows == [
        {
            "bin(5m)": "2026-11-27 05:00:00.000",
            "avg(@duration)": 100.25,
            "max(@duration)": 120.5,
            "min(@duration)": 80.0,
        },
        {
            "bin(5m)": "2026-11-27 05:05:00.000",
            "avg(@duration)": 120.0,
            "max(@duration)": 200.0,
            "min(@duration)": 40.0,
        },
    ]


def _reports() -> list[tuple[int, int]]:
    """(memory size, max memory used) in MB of every REPORT in the fixture payloads, read with a regex."""
    found = []
    for name in ALL_LAMBDA_PAYLOADS:
        for event in load_payload(name)["logEvents"]:
            text = event["message"]
            match = re.search(r"^REPORT RequestId: .*Memory Size: (\d+) MB\tMax Memory Used: (\d+) MB", text)
            if match:
                found.append((int(match.group(1)), int(match.group(2))))
            elif '"platform.report"' in text:
                metrics = json.loads(text)["record"]["metrics"]
                found.append((metrics["memorySizeMB"], metrics["maxMemoryUsedMB"]))
    return found


def test_lambda_overprovisioned_memory_sample(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # "Determine the amount of overprovisioned memory" (the console's current text divides by 1000)
    query = """filter @type = "REPORT"
    | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB,
        min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB,
        avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB,
        max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB,
        provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB"""
    reports = _reports()
    used = [u for _, u in reports]
    rows = insights(on, capsys, query, *FIXTURE_GROUPS)
    assert rows == [
        {
            "provisonedMemoryMB": max(m for m, _ in reports),
            "smallestMemoryRequestMB": min(used),
            "avgMemoryUsedMB": pytest.approx(sum(used) / len(used)),
            "maxMemoryUsedMB": max(used),
            "overProvisionedMB": max(m for m, _ in reports) - max(used),
        }
    ]


def test_the_seeds_query(on: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # The seed's Insights query, over every Lambda log group of the lake
    query = 'fields @timestamp, @message | sort @timestamp desc | filter @message like "[INFO]" | limit 20'
    events = [e for name in ALL_LAMBDA_PAYLOADS for e in load_payload(name)["logEvents"]]
    events += [{"timestamp": t, "message": m} for t, m in LATENCY]
    expected = [e["message"] for e in sorted(events, key=lambda e: -e["timestamp"]) if "[INFO]" in e["message"]][:20]
    rows = insights(on, capsys, query, *FIXTURE_GROUPS, "/aws/lambda/latency")
    assert [r["@message"] for r in rows] == expected
    assert list(rows[0]) == ["@timestamp", "@message"]


def test_errors_are_reported_with_their_position(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["insights", "--lake", str(lake), "fields @message | unnest @message"]) == 2
    err = capsys.readouterr().err
    assert "unsupported command 'unnest' (at position 19)" in err
