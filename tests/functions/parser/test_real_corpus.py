"""Every line of the corpus of real CloudWatch lines parses to the values read from it by hand."""

from __future__ import annotations

import json

import pytest

from tests.functions.parser.real_corpus import CORPUS, Delivery, deliveries, mismatches

DELIVERIES = deliveries()


def test_the_corpus_is_real_sourced_and_large_enough() -> None:
    # Given the corpus files
    # Then there are at least 150 lines, every delivery names its source, and every line has expectations
    assert sum(len(d.expected) for d in DELIVERIES) >= 150
    assert all(d.source.strip() for d in DELIVERIES)
    assert all(expected for d in DELIVERIES for expected in d.expected)
    assert len({d.file for d in DELIVERIES}) == len([p for p in CORPUS.glob("*.json") if p.name != "invocations.json"])


@pytest.mark.parametrize(
    "delivery", DELIVERIES, ids=lambda d: f"{d.file}:{d.batch.log_group}:{d.batch.log_stream[:24]}"
)
def test_every_line_parses_to_the_values_read_from_it(delivery: Delivery) -> None:
    # Given one real delivery, When it is parsed and normalized
    wrong = mismatches(delivery)
    # Then every value written by reading its lines is what the row holds
    report = [f"line {i} {column}: parsed {got!r}, read {want!r}" for i, column, got, want in wrong]
    assert not report, f"{delivery.source}\n" + "\n".join(report)


def test_the_expected_invocations_come_from_corpus_lines() -> None:
    # Given the hand-written invocations, Then each request id is one the corpus carries a REPORT for
    invocations = json.loads((CORPUS / "invocations.json").read_text(encoding="utf-8"))["invocations"]
    reported = {
        e["request_id"]
        for d in DELIVERIES
        for e in d.expected
        if e.get("record_type") == "report" and "request_id" in e
    }
    assert {i["request_id"] for i in invocations} == reported
