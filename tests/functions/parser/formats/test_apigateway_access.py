"""API Gateway access logs: CLF, JSON, CSV and XML presets (REST and HTTP API) and custom JSON formats."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest

from functions.parser.formats import apigateway_access
from functions.parser.formats.apigateway_access import (
    ACCESS_CLF,
    ACCESS_CSV,
    ACCESS_FIELDS,
    ACCESS_JSON,
    ACCESS_XML,
    ip_or_none,
    looks_like_access,
    parse_clf,
    parse_csv,
    parse_json,
    parse_xml,
    text_format_for,
)
from functions.parser.formats.base import Format, Row
from functions.parser.formats.fields import to_float, to_int
from schemas.events import EVENTS

CLF_LINE = (
    '203.0.113.10 - - [27/Nov/2026:09:12:44 +0000] "GET /items HTTP/1.1" 200 123 c6af9ac6-7b61-11e6-9a41-93e8deadbeef'
)
EVENTS_DIR = Path(__file__).parents[3] / "events" / "apigateway"
TEXT_FIXTURES = {"access_clf.log": ACCESS_CLF, "access_csv.log": ACCESS_CSV, "access_xml.log": ACCESS_XML}
JSON_FIXTURES = ("access_json.log", "access_http_api.json.log")
ALL_FORMATS = (ACCESS_JSON, ACCESS_CLF, ACCESS_CSV, ACCESS_XML)


def fixture_lines(name: str) -> list[str]:
    return (EVENTS_DIR / name).read_text(encoding="utf-8").splitlines()


def columns(row: Row | None) -> dict[str, Any]:
    assert row is not None
    assert len(row) == len(ACCESS_FIELDS)
    return dict(zip(ACCESS_FIELDS, row, strict=True))


def attributes(row: Row | None) -> dict[str, Any]:
    text = columns(row)["attributes"]
    return json.loads(text) if text else {}


# --- the Format objects ------------------------------------------------------------------------


def test_every_access_format_fills_only_schema_columns() -> None:
    # Given the four access formats
    # When their fields are compared with the events table
    # Then every field is a column and none is repeated
    for fmt in ALL_FORMATS:
        assert set(fmt.fields) <= set(EVENTS.names), fmt.name
        assert len(set(fmt.fields)) == len(fmt.fields)
        assert fmt.fields[:2] == ("record_type", "source")
    assert len({fmt.name for fmt in ALL_FORMATS}) == 4


def test_round_trip_every_fixture_line_gives_a_row_as_long_as_the_fields_or_none() -> None:
    # Given every fixture line of every access preset, and every format
    parsed = 0
    for fmt in ALL_FORMATS:
        inputs: list[Any] = [json.loads(line) for name in JSON_FIXTURES for line in fixture_lines(name)]
        inputs += [line for name in TEXT_FIXTURES for line in fixture_lines(name)]
        for value in inputs:
            # When any format parses any line (the wrong one included)
            row = fmt.parse(value)
            # Then it returns None or a tuple matching its fields exactly
            if row is not None:
                assert len(row) == len(fmt.fields), (fmt.name, value)
                parsed += 1
    assert parsed >= 30


@pytest.mark.parametrize(
    ("name", "fmt", "rejected"),
    [("access_clf.log", ACCESS_CLF, 3), ("access_csv.log", ACCESS_CSV, 2), ("access_xml.log", ACCESS_XML, 1)],
)
def test_text_fixtures_parse_except_the_malformed_tail(name: str, fmt: Format, rejected: int) -> None:
    # Given a text fixture whose last lines are malformed
    lines = fixture_lines(name)
    # When each line is parsed with its preset
    rows = [fmt.parse(line) for line in lines]
    # Then the well-formed lines give access rows and exactly the malformed ones give None
    assert [row is None for row in rows] == [False] * (len(lines) - rejected) + [True] * rejected
    assert all(row is not None and row[0] == "access" and row[1] == "apigateway" for row in rows[:-rejected])


@pytest.mark.parametrize(("name", "rejected"), [("access_json.log", 2), ("access_http_api.json.log", 1)])
def test_json_fixtures_are_access_logs_and_parse_except_the_malformed_tail(name: str, rejected: int) -> None:
    # Given a JSON fixture decoded the way the router does
    objs = [json.loads(line) for line in fixture_lines(name)]
    # When the router asks whether each is an access log, and parses it
    rows = [parse_json(obj) for obj in objs]
    # Then all are recognised, and only the malformed tail is rejected
    assert all(looks_like_access(obj) for obj in objs)
    assert [row is None for row in rows] == [False] * (len(objs) - rejected) + [True] * rejected


# --- CLF ---------------------------------------------------------------------------------------


def test_clf_rest_preset_fills_every_column() -> None:
    # Given the classic REST CLF preset line
    # When it is parsed
    row = columns(parse_clf(CLF_LINE))
    # Then the columns hold typed values and the rest lands in attributes
    assert row == {
        "record_type": "access",
        "source": "apigateway",
        "request_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "level": "INFO",
        "message": "GET /items 200",
        "http_method": "GET",
        "resource_path": "/items",
        "status_code": 200,
        "latency_ms": None,
        "integration_latency_ms": None,
        "source_ip": "203.0.113.10",
        "user_agent": None,
        "response_length": 123,
        "api_id": None,
        "stage": None,
        "trace_id": None,
        "error_message": None,
        "attributes": '{"requestTime":"27/Nov/2026:09:12:44 +0000","protocol":"HTTP/1.1"}',
    }


def test_clf_current_rest_preset_without_space_and_with_extended_id() -> None:
    # Given today's console preset: no space before the quote, extendedRequestId at the end, a 502
    line = (
        '198.51.100.7 - - [27/Nov/2026:09:12:45 +0000]"POST /items/{id} HTTP/1.1" 502 36 '
        "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b Kx0AbHmXoAMEd1A="
    )
    # When it is parsed
    row = parse_clf(line)
    # Then the request id is the UUID, the extended id is an attribute, and a 5xx is an ERROR
    assert columns(row)["request_id"] == "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
    assert columns(row)["level"] == "ERROR"
    assert columns(row)["resource_path"] == "/items/{id}"
    assert attributes(row)["extendedRequestId"] == "Kx0AbHmXoAMEd1A="


def test_clf_with_the_extended_id_first_like_the_cloudformation_example() -> None:
    # Given a CLF variant that starts with $context.extendedRequestId
    line = next(line for line in fixture_lines("access_clf.log") if line.startswith("Kx0AeHmXoAMEd2B="))
    # When it is parsed
    row = parse_clf(line)
    # Then the IP is still the source IP and the leading id is kept as the extended id
    assert columns(row)["source_ip"] == "203.0.113.10"
    assert columns(row)["status_code"] == 201
    assert attributes(row)["extendedRequestId"] == "Kx0AeHmXoAMEd2B="


def test_clf_iam_caller_and_user_are_attributes_and_429_is_a_warning() -> None:
    # Given a throttled request and a signed request
    lines = fixture_lines("access_clf.log")
    throttled = columns(parse_clf(lines[2]))
    signed = attributes(parse_clf(lines[3]))
    # Then 429 stays visible as a WARN with its status, and caller/user survive as attributes
    assert (throttled["status_code"], throttled["level"], throttled["message"]) == (
        429,
        "WARN",
        "GET /items 429",
    )
    assert signed["caller"] == "AIDACKCEVSQ6C2EXAMPLE"
    assert signed["user"] == "AIDACKCEVSQ6C2EXAMPLE"


def test_clf_http_api_preset_splits_the_route_key_inside_the_request() -> None:
    # Given HTTP API CLF lines, where the quote holds method, route key and protocol
    lines = [parse_clf(line) for line in fixture_lines("access_clf.log")[8:11]]
    # When they are parsed
    rows = [columns(row) for row in lines]
    # Then the route key's method is dropped from the path, and $default stays as is
    assert [(r["http_method"], r["resource_path"], r["status_code"]) for r in rows] == [
        ("GET", "/items", 200),
        ("POST", "$default", 500),
        ("ANY", "/{proxy+}", 503),
    ]
    assert [r["request_id"] for r in rows] == ["Kx1Q9hXYoAMEVgw=", "Kx1RAjb5IAMEb0A=", "Kx1RBkc6IAMEc1B="]
    assert rows[2]["source_ip"] == "2001:db8::42"


def test_clf_ipv6_source_and_dash_length() -> None:
    # Given an IPv6 client and a 404 whose response length is '-'
    lines = fixture_lines("access_clf.log")
    ipv6, missing = columns(parse_clf(lines[4])), columns(parse_clf(lines[5]))
    # Then the IPv6 address is kept, '-' becomes None and 4xx is WARN
    assert ipv6["source_ip"] == "2001:db8:85a3::8a2e:370:7334"
    assert ipv6["attributes"] == '{"requestTime":"27/Nov/2026:09:12:48 +0000","protocol":"HTTP/2.0"}'
    assert (missing["response_length"], missing["level"]) == (None, "WARN")


def test_clf_console_test_invocation_has_no_source_ip_but_keeps_the_value() -> None:
    # Given a console test invocation, whose source IP is not an address
    line = fixture_lines("access_clf.log")[6]
    # When it is parsed
    row = parse_clf(line)
    # Then source_ip is None (an OpenSearch ip field would reject it) and the text is an attribute
    assert columns(row)["source_ip"] is None
    assert attributes(row)["ip"] == "test-invoke-source-ip"


@pytest.mark.parametrize(
    "line",
    [
        '203.0.113.10 - - [27/Nov/2026:09:12:44 +0000] "GET /items HTTP/1.1" 2',
        '203.0.113.10 - - [27/Nov/2026:09:12:44 +0000] "GET /items HTTP/1.1" abc 123 c6af9ac6',
        "203.0.113.10 - - [27/Nov/2026:09:12:44 +0000",
        '- - - [] "" - - -',
        "",
        "START RequestId: 8f5c Version: $LATEST",
    ],
)
def test_clf_malformed_lines_are_rejected(line: str) -> None:
    # Given a truncated line, a non-numeric status, an all-empty line or another format
    # When it is parsed as CLF
    # Then it is not an access row
    assert parse_clf(line) is None


# --- JSON --------------------------------------------------------------------------------------


def test_json_rest_preset_matches_the_clf_row() -> None:
    # Given the same request logged with the JSON and the CLF preset
    obj = json.loads(fixture_lines("access_json.log")[0])
    # When both are parsed
    # Then the rows are identical: attributes use the JSON preset's key names for every preset
    assert parse_json(obj) == parse_clf(CLF_LINE)


def test_json_custom_format_promotes_latencies_agent_api_stage_trace_and_error() -> None:
    # Given a REST custom JSON format with extra keys
    row = parse_json(json.loads(fixture_lines("access_json.log")[3]))
    # When it is parsed
    cols = columns(row)
    # Then strings became numbers, '-' became None and unknown keys stay as attributes
    assert cols["latency_ms"] == 12.0
    assert cols["integration_latency_ms"] is None
    assert cols["user_agent"] == "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"
    assert (cols["api_id"], cols["stage"]) == ("a1b2c3d4e5", "prod")
    assert cols["trace_id"] == "1-6746e2a3-4f1d2c3b4a5968778695a4b3"
    assert cols["error_message"] == "Forbidden"
    assert (cols["status_code"], cols["level"], cols["response_length"]) == (403, "WARN", 60)
    assert attributes(row) == {
        "extendedRequestId": "Kx0AdFq4oAMEaXw=",
        "requestTime": "27/Nov/2026:09:12:47 +0000",
        "path": "/prod/items/42",
        "protocol": "HTTP/1.1",
        "domainName": "api.example.com",
    }


def test_json_timeout_has_both_latencies_and_is_an_error() -> None:
    # Given a 504 after the 29 s integration timeout
    cols = columns(parse_json(json.loads(fixture_lines("access_json.log")[4])))
    # Then latencies are numbers and the gateway's message is the error
    assert (cols["latency_ms"], cols["integration_latency_ms"]) == (29003.0, 29001.0)
    assert (cols["level"], cols["error_message"]) == ("ERROR", "Endpoint request timed out")


def test_json_http_api_route_key_is_split_into_method_and_path() -> None:
    # Given HTTP API JSON lines with route keys
    rows = [parse_json(json.loads(line)) for line in fixture_lines("access_http_api.json.log")[:4]]
    cols = [columns(row) for row in rows]
    # Then http_method/resource_path come from the route key, $default stays, sourceIp is read
    assert [(c["http_method"], c["resource_path"]) for c in cols] == [
        ("GET", "/items"),
        ("POST", "$default"),
        ("POST", "/orders"),
        ("GET", "/orders/{id}"),
    ]
    assert cols[1]["source_ip"] == "2001:db8::42"
    assert (cols[2]["source_ip"], cols[2]["status_code"], cols[2]["level"]) == ("198.51.100.23", 429, "WARN")
    assert cols[2]["error_message"] == "Too Many Requests"


def test_json_integration_error_is_kept_when_the_gateway_error_is_promoted() -> None:
    # Given a 502 with both a gateway error and an integration error message
    row = parse_json(json.loads(fixture_lines("access_http_api.json.log")[3]))
    # Then error_message is the gateway error and the integration error is an attribute
    assert columns(row)["error_message"] == "Internal Server Error"
    assert (
        attributes(row)["integrationErrorMessage"] == "The Lambda function returned the following error: Task timed out"
    )
    assert attributes(row)["integrationStatus"] == "200"


def test_json_nested_error_object_and_any_route_with_the_real_method() -> None:
    # Given a custom format that nests $context.error.* and uses an ANY route
    row = parse_json(json.loads(fixture_lines("access_http_api.json.log")[4]))
    cols = columns(row)
    # Then the nested message is the error, and the request's method wins over ANY
    assert cols["error_message"] == "Unauthorized"
    assert (cols["http_method"], cols["resource_path"], cols["level"]) == ("GET", "/{proxy+}", "WARN")


def test_json_error_only_line_uses_the_route_method_when_http_method_is_missing() -> None:
    # Given a line with a route key but no httpMethod, and latencies out of range
    cols = columns(parse_json(json.loads(fixture_lines("access_http_api.json.log")[5])))
    # Then the route gives the method and the bad latencies are None
    assert (cols["http_method"], cols["resource_path"]) == ("GET", "/items")
    assert (cols["latency_ms"], cols["integration_latency_ms"]) == (None, None)
    assert json.loads(cols["attributes"]) == {"responseLatency": "-1", "integrationLatency": "inf"}


def test_json_unquoted_numbers_snake_case_keys_and_quoted_error_string() -> None:
    # Given a custom format written with numbers unquoted and snake_case keys
    obj = {
        "request_id": "abc-1",
        "http_method": "get",
        "resource_path": "/x",
        "status": 503,
        "response_latency": 7,
        "integration_latency": 5.5,
        "source_ip": "2001:DB8:0:0::7",
        "response_length": 0,
        "error_message": '"Service Unavailable"',
    }
    # When it is parsed
    cols = columns(parse_json(obj))
    # Then numbers stay numbers, the method is upper case and the error loses its quotes
    assert (cols["status_code"], cols["latency_ms"], cols["integration_latency_ms"]) == (503, 7.0, 5.5)
    assert (cols["http_method"], cols["response_length"], cols["source_ip"]) == ("GET", 0, "2001:db8::7")
    assert cols["error_message"] == "Service Unavailable"


def test_json_wrong_types_give_none_columns_and_keep_the_values() -> None:
    # Given a line whose status, IP, length, latency and user agent have unusable values
    row = parse_json(json.loads(fixture_lines("access_json.log")[6]))
    cols = columns(row)
    # Then those columns are None, nothing raises, and the values survive as attributes
    assert (cols["status_code"], cols["source_ip"], cols["response_length"]) == (None, None, None)
    assert (cols["latency_ms"], cols["user_agent"], cols["level"]) == (None, None, "INFO")
    assert cols["message"] == "GET /items"
    assert attributes(row) == {
        "status": "abc",
        "ip": "999.1.1.1",
        "responseLength": "NaN",
        "responseLatency": "fast",
        "userAgent": 42,
    }


@pytest.mark.parametrize(
    "obj",
    [
        {},
        {"requestId": 123, "status": [500], "ip": {"v": "203.0.113.1"}},
        {"requestId": "-", "httpMethod": "GET", "status": "-"},
        {"requestId": None, "routeKey": ["GET /items"], "status": {"code": 200}},
        {"httpMethod": "GET", "resourcePath": "/items"},
    ],
)
def test_json_without_an_id_or_a_method_and_status_is_rejected(obj: dict[str, Any]) -> None:
    # Given JSON that cannot identify a request
    # When it is parsed
    # Then it is not an access row
    assert parse_json(obj) is None


def test_json_parser_never_raises_whatever_the_value_types() -> None:
    # Given every fixture object with each key replaced in turn by awkward values
    awkward: list[Any] = [
        None,
        True,
        0,
        -5,
        1e308,
        float("nan"),
        "",
        "-",
        " ",
        [],
        {},
        {"a": [1]},
        "x" * 5000,
    ]
    objs = [json.loads(line) for name in JSON_FIXTURES for line in fixture_lines(name)]
    for obj in objs:
        for key in obj:
            for value in awkward:
                # When it is parsed
                row = parse_json({**obj, key: value})
                # Then it returns None or a full row
                assert row is None or len(row) == len(ACCESS_FIELDS)
    not_a_dict: Any = "not a dict"
    assert parse_json(not_a_dict) is None


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"requestId": "a", "httpMethod": "GET", "status": "200"}, True),
        ({"routeKey": "$default", "status": "200"}, True),
        ({"request_id": "a", "http_method": "GET"}, True),
        ({"requestId": "a", "status": "200", "ip": "192.0.2.1"}, True),
        ({"requestId": "a", "status": "200", "requestTime": "27/Nov/2026:09:12:44 +0000"}, True),
        ({"requestId": "a", "status": "200"}, False),
        ({"timestamp": "2026-11-27T09:12:44Z", "level": "INFO", "message": "hi", "requestId": "a"}, False),
        ({"level": "INFO", "message": "request", "httpMethod": "GET", "status": 200}, False),
        ({"time": "2026-11-27T09:12:44Z", "type": "platform.start", "record": {"requestId": "a"}}, False),
        ({}, False),
    ],
)
def test_looks_like_access_tells_access_lines_from_application_logs(obj: dict[str, Any], expected: bool) -> None:
    # Given a decoded JSON line
    # When the router asks whether it is an access log
    # Then route keys or id+status+time/ip say yes, and a log level says application log
    assert looks_like_access(obj) is expected


def test_looks_like_access_is_false_for_non_objects() -> None:
    # Given decoded JSON that is not an object
    not_objects: list[Any] = [None, [], "requestId", 3]
    # Then it is never an access log
    for value in not_objects:
        assert looks_like_access(value) is False


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_rest_presets_with_and_without_the_extended_id() -> None:
    # Given the REST CSV preset lines (10 and 11 cells)
    lines = fixture_lines("access_csv.log")
    old, new, iam = (columns(parse_csv(line)) for line in lines[:3])
    # Then the cells land in the same columns as CLF
    assert (old["source_ip"], old["http_method"], old["resource_path"], old["status_code"]) == (
        "203.0.113.10",
        "GET",
        "/items",
        200,
    )
    assert (new["request_id"], new["level"], new["response_length"]) == (
        "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b",
        "ERROR",
        36,
    )
    assert json.loads(new["attributes"])["extendedRequestId"] == "Kx0AbHmXoAMEd1A="
    assert (iam["source_ip"], iam["level"]) == ("2001:db8::1", "WARN")
    assert json.loads(iam["attributes"])["caller"] == "AIDACKCEVSQ6C2EXAMPLE"


def test_csv_http_api_presets_use_the_route_key() -> None:
    # Given the HTTP API CSV preset lines (8 and 9 cells)
    lines = fixture_lines("access_csv.log")
    first, second = (columns(parse_csv(line)) for line in lines[3:5])
    # Then the route key is split and the request id is the HTTP API id
    assert (first["http_method"], first["resource_path"], first["request_id"]) == (
        "GET",
        "/items",
        "Kx1Q9hXYoAMEVgw=",
    )
    assert (second["resource_path"], second["status_code"], second["level"]) == ("$default", 404, "WARN")


@pytest.mark.parametrize(
    "line",
    [
        "203.0.113.10,-,-,27/Nov/2026:09:12:44 +0000,GET,/items,HTTP/1.1,OK,123,c6af9ac6",
        "203.0.113.10,-,-,27/Nov/2026:09:12:44 +0000,GET,/items",
        "a,b,c,d,e,f,g,h",
        "",
    ],
)
def test_csv_malformed_lines_are_rejected(line: str) -> None:
    # Given a non-numeric status, a truncated line or a line of the wrong shape
    # Then it is not an access row
    assert parse_csv(line) is None


# --- XML ---------------------------------------------------------------------------------------


def test_xml_rest_and_http_api_presets() -> None:
    # Given XML preset lines for REST (with and without the extended id) and HTTP APIs
    rest, extended, http = (parse_xml(line) for line in fixture_lines("access_xml.log")[:3])
    # Then the id attribute is the request id and elements fill the columns
    assert columns(rest)["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert columns(rest)["message"] == "GET /items 200"
    assert (columns(extended)["source_ip"], columns(extended)["level"]) == ("2001:db8::1", "ERROR")
    assert attributes(extended)["extendedRequestId"] == "Kx0AbHmXoAMEd1A="
    assert (columns(http)["http_method"], columns(http)["resource_path"], columns(http)["status_code"]) == (
        "GET",
        "/items",
        429,
    )
    assert columns(http)["response_length"] is None


def test_xml_bad_values_leave_columns_empty() -> None:
    # Given an XML line with an invalid IP and a non-numeric status
    row = parse_xml(fixture_lines("access_xml.log")[3])
    # Then the row is kept (the elements are named) with those columns None
    assert (columns(row)["source_ip"], columns(row)["status_code"]) == (None, None)
    assert attributes(row) == {"ip": "not-an-ip", "status": "teapot"}


@pytest.mark.parametrize("line", ['<request id="x"> <ip>203.0.113.10</ip> <status>200', "<request>", "<html></html>"])
def test_xml_truncated_or_foreign_lines_are_rejected(line: str) -> None:
    assert parse_xml(line) is None


# --- robustness and routing --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [ACCESS_CLF, ACCESS_CSV, ACCESS_XML])
def test_text_parsers_never_raise_on_any_prefix_of_any_fixture_line(fmt: Format) -> None:
    # Given every prefix of every text fixture line, plus non-strings
    lines = [line for name in TEXT_FIXTURES for line in fixture_lines(name)]
    for line in lines:
        for end in range(len(line) + 1):
            # When it is parsed
            row = fmt.parse(line[:end])
            # Then it returns None or a full row
            assert row is None or len(row) == len(fmt.fields)
    not_text: list[Any] = [None, 7, b"bytes", ["a"]]
    for value in not_text:
        assert fmt.parse(value) is None


@pytest.mark.parametrize(("name", "fmt"), list(TEXT_FIXTURES.items()))
def test_text_format_for_picks_the_preset_of_each_parsable_line(name: str, fmt: Format) -> None:
    # Given the lines of a text fixture that parse
    lines = [line for line in fixture_lines(name) if fmt.parse(line) is not None]
    # When the router asks which text preset a line is
    # Then it names the preset that parses it
    assert lines
    assert all(text_format_for(line) is fmt for line in lines)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        '{"requestId":"x","ip":"1.2.3.4","caller":"-","user":"-","requestTime":"t","httpMethod":"GET","status":"2',
        "<html><body>502 Bad Gateway</body></html>",
        "START RequestId: 8f5c Version: $LATEST",
        "[ERROR] 2026-11-27T09:12:44.000Z c6af9ac6 something broke",
    ],
)
def test_text_format_for_declines_json_and_foreign_lines(line: str) -> None:
    assert text_format_for(line) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("203.0.113.10", "203.0.113.10"),
        (" 2001:DB8::1 ", "2001:db8::1"),
        ("fe80::1%eth0", None),
        ("999.1.1.1", None),
        ("-", None),
        ("203.0.113.10, 10.0.0.1", None),
        (None, None),
        (3232235777, None),
    ],
)
def test_ip_or_none_accepts_only_addresses(value: object, expected: str | None) -> None:
    assert ip_or_none(value) == expected


def test_no_key_is_an_alias_of_two_columns() -> None:
    # Given the aliases every column is read from
    aliases = [name for _, names, _ in (*apigateway_access._HEADS, *apigateway_access._DETAILS) for name in names]
    # Then each key feeds one column only (the row builder relies on it to tell which keys were taken)
    assert len(aliases) == len(set(aliases))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("256.1.1.1", None),
        ("01.2.3.4", None),
        ("1.2.3", None),
        ("1.2.3.4.5", None),
        ("1.2.3.4\n", "1.2.3.4"),
        ("\u0661.2.3.4", None),
        ("::ffff:1.2.3.4", "::ffff:102:304"),
    ],
)
def test_ip_or_none_fast_ipv4_path_matches_ipaddress(value: str, expected: str | None) -> None:
    # Given dotted quads the fast path accepts or must leave to ipaddress
    # Then the result is what ipaddress gives: canonical form, or None when invalid
    assert ip_or_none(value) == expected


@pytest.mark.parametrize(
    ("status", "length", "latency"),
    [("200", "0", "7"), (" 201 ", "007", "2e1"), ("099", "12345678901234567890", "1" * 400), ("2_00", "-1", "١٢")],
)
def test_numeric_fast_paths_read_like_to_int_and_to_float(status: str, length: str, latency: str) -> None:
    # Given numeric strings the digit fast paths take or leave to to_int/to_float
    obj = {"requestId": "a", "status": status, "responseLength": length, "responseLatency": latency}
    # When the line is parsed
    cols = columns(parse_json(obj))
    # Then the columns are what to_int/to_float make of them, range checks included
    number, size, millis = to_int(status), to_int(length), to_float(latency)
    assert cols["status_code"] == (number if number is not None and 100 <= number <= 599 else None)
    assert cols["response_length"] == (size if size is not None and size >= 0 else None)
    assert cols["latency_ms"] == (millis if millis is not None and millis != float("inf") else None)


@pytest.mark.parametrize(
    "value",
    [
        *("::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:1::1", "1:0:0:2::3", "1::2:0:0:3", "1:0:0:2:0:0:3:4"),
        *("a:b:c:d:e:f:0:0", "a:b:c:d:e:f::", "1:2:3:4:5:6:7::", "0:0:1::", "2001:0db8::1", "::ffff:102:304"),
    ],
)
def test_ip_or_none_ipv6_is_written_as_ipaddress_writes_it(value: str) -> None:
    # Given IPv6 addresses in canonical form or not (a zero run left uncompressed, leading zeros...)
    # Then the fast path and ipaddress agree on the canonical form
    assert ip_or_none(value) == str(ipaddress.ip_address(value))
