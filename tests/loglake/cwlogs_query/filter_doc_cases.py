"""Filter-pattern cases from the AWS documentation, with the expected matches worked out by hand.

Source of the patterns and messages, unless a case says otherwise: AWS CloudWatch Logs User Guide,
"Filter and Pattern Syntax" (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html;
archived as awsdocs/amazon-cloudwatch-logs-user-guide, doc_source/FilterAndPatternSyntax.md, 2020-09).
Cases marked "derived" apply a rule the page states (wildcards only at the ends, case-sensitive
terms, the field count of space-delimited patterns) to the page's own example events.

Each `DocSection` is one group of example events, ingested as one log group; `cases` list a
pattern and the labels of the events it matches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DocSection:
    log_group: str
    events: dict[str, str]
    cases: tuple[tuple[str, frozenset[str]], ...]


def _cases(*pairs: tuple[str, set[str]]) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((pattern, frozenset(labels)) for pattern, labels in pairs)


TERMS = DocSection(
    "/doc/terms",
    {
        "fatal": "[ERROR] A fatal exception has occurred",
        "exiting": "Exiting with ERRORCODE: -1",
        "caught": "[ERROR] Caught IllegalArgumentException",
        "unhandled": "[ERROR] Unhandled Exception",
        "warn_failed": "[WARN] Failed to process the request",
        "error_failed": "[ERROR] Unable to continue: Failed to process the request",
    },
    _cases(
        # "Match everything": the empty pattern.
        ("", {"fatal", "exiting", "caught", "unhandled", "warn_failed", "error_failed"}),
        # "Single term": ERROR matches both listed events (ERRORCODE contains ERROR) and every other ERROR line.
        ("ERROR", {"fatal", "exiting", "caught", "unhandled", "error_failed"}),
        # "Include a term and exclude a term": "ERROR" - "Exiting" drops the Exiting line.
        ('"ERROR" - "Exiting"', {"fatal", "caught", "unhandled", "error_failed"}),
        # "Multiple terms": both terms; "exception" in the fatal line is lower case (derived: case-sensitive).
        ("ERROR Exception", {"caught", "unhandled"}),
        ("Failed to process the request", {"warn_failed", "error_failed"}),
        # derived: a quoted phrase must appear as written.
        ('"Unable to continue"', {"error_failed"}),
        ('"to continue: Failed"', {"error_failed"}),
        ('"Failed the request"', set()),
        # derived: case-sensitive.
        ("error", set()),
    ),
)

OR_TERMS = DocSection(
    "/doc/or",
    {"one": "ERROR WARN message", "two": "ERROR message", "three": "WARN message"},
    _cases(
        # "OR Pattern Matching", text: the page's four patterns and the events it says they match.
        ("ERROR", {"one", "two"}),
        ("?ERROR ?WARN", {"one", "two", "three"}),
        ("ERROR WARN", {"one"}),
        ("ERROR -WARN", {"two"}),
        # ... space-delimited: [w1=ERROR, w2] matches only the two-field ERROR line.
        ("[w1=ERROR, w2]", {"two"}),
        ("[w1=ERROR || w1=WARN, w2]", {"two", "three"}),
        # (The page's third example, [w1=!ERROR&&w1=!WARN, w2], contradicts its own description; left out.)
        # derived: a group per "?", e.g. the AWS CDK's anyTermGroup rendering.
        ("?ERROR WARN ?message -ERROR", {"one", "three"}),
    ),
)

OR_JSON = DocSection(
    "/doc/or-json",
    {"bar": '{"foo": "bar"}', "baz": '{"foo": "baz"}'},
    _cases(
        ("{$.foo = bar}", {"bar"}),
        ("{$.foo = baz }", {"baz"}),
        ("{$.foo = bar || $.foo = baz }", {"bar", "baz"}),
    ),
)

_TRAIL = {
    "eventType": "UpdateTrail",
    "sourceIPAddress": "111.111.111.111",
    "arrayKey": ["value", "another value"],
    "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
    "SomeObject": None,
    "ThisFlag": True,
}

JSON_VALUES = DocSection(
    "/doc/json",
    {"trail": json.dumps(_TRAIL), "text": "UpdateTrail is not JSON"},
    _cases(
        # "JSON Metric Filter Examples": "The following filters would match".
        ('{ $.eventType = "UpdateTrail" }', {"trail"}),
        ("{ $.sourceIPAddress != 123.123.* }", {"trail"}),
        ('{ $.arrayKey[0] = "value" }', {"trail"}),
        ("{ $.objectList[1].id = 2 }", {"trail"}),
        ("{ $.SomeObject IS NULL }", {"trail"}),
        ("{ $.SomeOtherObject NOT EXISTS }", {"trail"}),
        ("{ $.ThisFlag IS TRUE }", {"trail"}),
        # derived from the same page's rules.
        ("{ $.ThisFlag IS FALSE }", set()),
        ("{ $.eventType NOT EXISTS }", set()),
        ("{ $.sourceIPAddress != 111.111.* }", set()),
        ('{ $.eventType = "Update*" }', {"trail"}),  # Event* matches EventId
        ('{ $.eventType = "*Trail" }', {"trail"}),  # *Event matches PutEvent
        ('{ $.eventType = "Up*Trail" }', set()),  # Ev*ent only matches the string Ev*ent
        ('{ $.arrayKey = "value" }', set()),  # "If arrayKey is not an array this will be false" (and vice versa)
        ("{ $.objectList[2].id = 2 }", set()),
        ("{ $.SomeObject = * }", set()),
        ("{ $.eventType = * }", {"trail"}),
    ),
)

_COMPOUND = {
    "user": {"id": 1, "email": "John.Stiles@example.com"},
    "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
    "actions": ["GET", "PUT", "DELETE"],
    "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
}

JSON_COMPOUND = DocSection(
    "/doc/compound",
    {"doc": json.dumps(_COMPOUND)},
    _cases(
        # "JSON Compound Conditions": two "Matches the JSON above", two "Doesn't match".
        ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', {"doc"}),
        ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', set()),
        (
            '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
            {"doc"},
        ),
        (
            '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
            set(),
        ),
        # derived: nested arrays are indexed in turn.
        ("{ $.coordinates[1][2] = 6 }", {"doc"}),
    ),
)

JSON_SPECIAL = DocSection(
    "/doc/special",
    {"array": '{"users": [1, 2, 3]}'},
    _cases(
        # "JSON Special Considerations": both fail to match when users is an array.
        ("{$.users = 1}", set()),
        ("{$.users != 1}", set()),
        ("{$.users[0] = 1}", {"array"}),
    ),
)

JSON_NUMBERS = DocSection(
    "/doc/numbers",
    {
        # Events written for the page's numeric examples (the page lists the patterns without events).
        "slow": json.dumps(
            {
                "latency": 1500,
                "numbers": [9, 0.001],
                "processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}],
                "errorCode": 400,
            }
        ),
        "fast": json.dumps({"latency": 20, "numbers": ["9"], "errorCode": 500}),
        # "Publishing Numerical Values Found in Log Entries"
        "publish": json.dumps({"latency": 50, "requestType": "GET"}),
    },
    _cases(
        ("{ $.latency >= 500 }", {"slow"}),
        ("{ $.numbers[0] < 10e3 }", {"slow"}),  # "9" is a string in the fast event: no numeric comparison
        ("{ $.numbers[0] < 10e-3 }", set()),
        ("{ $.numbers[1] < 10e-3 }", {"slow"}),
        ("{ $.processes[4].averageRuntime <= 55.5 }", {"slow"}),
        ("{ $.errorCode = 400 }", {"slow"}),
        ("{ $.errorCode != 500 }", {"slow"}),
        ("{ $.latency > +1000 }", {"slow"}),
        ("{ $.latency = * }", {"slow", "fast", "publish"}),
        ("{ $.latency < 100 && $.requestType = GET }", {"publish"}),
    ),
)

APACHE = DocSection(
    "/doc/apache",
    {
        # "Using Metric Filters to Extract Values from Space-Delimited Log Events"
        "ok_1534": '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
        "err_5324": '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
        "ok_4355": '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355',
        # The page's extraction example event (its backslashes before the quotes are markdown escaping).
        "html_404": '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
    },
    _cases(
        (
            "[ip, user, username, timestamp, request, status_code, bytes]",
            {"ok_1534", "err_5324", "ok_4355", "html_404"},
        ),
        ("[..., status_code, bytes]", {"ok_1534", "err_5324", "ok_4355", "html_404"}),
        ("[ip, user, ..., status_code, bytes]", {"ok_1534", "err_5324", "ok_4355", "html_404"}),
        ("[ip, user, ...]", {"ok_1534", "err_5324", "ok_4355", "html_404"}),
        (
            "[ip, user, username, timestamp, request, status_code, bytes > 1000]",
            {"ok_1534", "err_5324", "ok_4355", "html_404"},
        ),
        ("[ip, user, username, timestamp, request, status_code, bytes > 5000]", {"err_5324"}),
        ("[ip, user, username, timestamp, request, status_code = 200, bytes]", {"ok_1534", "ok_4355"}),
        ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", {"html_404"}),
        ("[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", {"html_404"}),
        ("[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]", {"html_404"}),
        ("[ip, user, username, timestamp, request, status_code = 4* && status_code != 404, bytes]", set()),
        ("[..., request=*.html*, status_code=4*,]", {"html_404"}),
        # derived: brackets and quotes hold one field each, without them.
        ('[ip, user, username, timestamp = "10/Oct/2000:13:35:22 -0700", ...]', {"err_5324"}),
        ("[ip, user, username, timestamp, request = GET*, ...]", {"ok_1534", "err_5324", "ok_4355", "html_404"}),
        ("[ip, user, username, timestamp, request, status_code, bytes, extra]", set()),
        ("[ip, user = frank, ...]", set()),
        ("[..., status_code = 2* || status_code = 5*, bytes < 5000]", {"ok_1534", "ok_4355"}),
    ),
)

SEED_START = DocSection(
    "/aws/lambda/seed",
    {
        # The seed's metric-filter test (/work/shared/seed): pattern START over the console's sample of
        # 9 events, "3 matches out of 9 events". START and END lines as shown; REPORT lines are cut off
        # in the screenshot after "Me", so they end there.
        "start_1": "START RequestId: 58d92802-5ae7-4d08-aec6-cc1bd7ec13ce Version: $LATEST\n",
        "end_1": "END RequestId: 58d92802-5ae7-4d08-aec6-cc1bd7ec13ce\n",
        "report_1": "REPORT RequestId: 58d92802-5ae7-4d08-aec6-cc1bd7ec13ce\tDuration: 1.83 ms\tBilled Duration: 100 ms\tMe\n",
        "start_2": "START RequestId: da780748-f9a4-4a81-91e9-058ae93f2019 Version: $LATEST\n",
        "end_2": "END RequestId: da780748-f9a4-4a81-91e9-058ae93f2019\n",
        "report_2": "REPORT RequestId: da780748-f9a4-4a81-91e9-058ae93f2019\tDuration: 1.32 ms\tBilled Duration: 100 ms\tMe\n",
        "start_3": "START RequestId: 36d91912-2767-456d-8c3d-05598f017472 Version: $LATEST\n",
        "end_3": "END RequestId: 36d91912-2767-456d-8c3d-05598f017472\n",
        "report_3": "REPORT RequestId: 36d91912-2767-456d-8c3d-05598f017472\tDuration: 1.50 ms\tBilled Duration: 100 ms\tMe\n",
    },
    _cases(("START", {"start_1", "start_2", "start_3"})),
)

_CLF = (Path(__file__).resolve().parents[2] / "events" / "apigateway" / "access_clf.log").read_text(encoding="utf-8")

API_GATEWAY_CLF = DocSection(
    "/aws/apigateway/welcome",
    # API Gateway access log lines in the console's CLF preset, with their oddities (a missing
    # space before the quoted request, extended request ids, IPv6, a test-invoke line, HTTP API
    # routes, cut-off lines): tests/events/apigateway/access_clf.log, the parser's fixture.
    # L1..L14 are its lines in order; the field counts below were worked out by hand.
    {f"L{i + 1}": line for i, line in enumerate(_CLF.splitlines())},
    _cases(
        ("[ip, caller, user, time, request, status = 5*, ...]", {"L2", "L10", "L11"}),
        ("[ip, caller, user, time, request, status, bytes, request_id]", {"L1", "L5", "L6", "L7", "L9", "L11", "L13"}),
        ("[ip, caller, user, time, request, status = 4*, bytes, ...]", {"L3", "L4", "L6"}),
        ("[..., status >= 400, bytes, request_id]", {"L6", "L11"}),
        ("[ip = 2001:*, ...]", {"L5", "L11"}),
        ("[ip, caller, user, time = 27/Nov/2026:09:13*, ...]", {"L9", "L10", "L11"}),
        ('"/{proxy+}"', {"L11"}),
        ("?POST ?DELETE", {"L2", "L4", "L10"}),
    ),
)

SECTIONS = (
    TERMS,
    OR_TERMS,
    OR_JSON,
    JSON_VALUES,
    JSON_COMPOUND,
    JSON_SPECIAL,
    JSON_NUMBERS,
    APACHE,
    SEED_START,
    API_GATEWAY_CLF,
)
