"""The bulk sender's retry rule, case by case, without a client or a clock."""

from __future__ import annotations

import pytest

from functions.sinks.bulk_retry import Answered, Decision, RequestFailed, Verdict, backoff_s, classify

UNREACHABLE = RequestFailed("ConnectionError", None, "ConnectionRefusedError(111)", connection=True)
TIMED_OUT = RequestFailed("ConnectionTimeout", None, "read timed out", connection=True)
BUSY = RequestFailed("TransportError", 503, "unavailable")
THROTTLED = RequestFailed("TransportError", 429, "too many requests")
TOO_BIG = RequestFailed("TransportError", 413, "request entity too large")
BAD = RequestFailed("RequestError", 400, "mapper_parsing_exception")
FORBIDDEN = RequestFailed("AuthorizationException", 403, "security_exception")

# (result, attempts, delay, now, deadline) → decision; a retry fits when now + delay < deadline
CASES: list[tuple[str, Answered | RequestFailed, int, float, float, Decision]] = [
    ("all indexed", Answered(0), 1, 0.2, 0.0, Decision(Verdict.DONE)),
    ("all indexed, past the deadline", Answered(0), 4, 0.2, 99.0, Decision(Verdict.DONE)),
    (
        "partial: rejected documents retried",
        Answered(3),
        1,
        0.2,
        0.0,
        Decision(Verdict.RETRY, reason="429 too many requests (rejected documents)", delay_s=0.2),
    ),
    (
        "partial: rejected documents give up alone at the deadline",
        Answered(2),
        3,
        0.5,
        9.5,
        Decision(Verdict.GIVE_UP, 429, "gave up after 3 attempt(s): 429 too many requests (rejected documents)"),
    ),
    (
        "unreachable: retried",
        UNREACHABLE,
        1,
        0.2,
        0.0,
        Decision(Verdict.RETRY, reason="ConnectionError: ConnectionRefusedError(111)", whole=True, delay_s=0.2),
    ),
    (
        "unreachable past the deadline: the whole request, no status",
        UNREACHABLE,
        2,
        1.0,
        9.0,
        Decision(
            Verdict.GIVE_UP,
            None,
            "gave up after 2 attempt(s): ConnectionError: ConnectionRefusedError(111)",
            whole=True,
        ),
    ),
    (
        "timed out: retried",
        TIMED_OUT,
        1,
        0.4,
        1.0,
        Decision(Verdict.RETRY, reason="ConnectionTimeout: read timed out", whole=True, delay_s=0.4),
    ),
    ("503: retried", BUSY, 1, 0.2, 0.0, Decision(Verdict.RETRY, reason="TransportError: 503", whole=True, delay_s=0.2)),
    (
        "429 as a whole past the deadline",
        THROTTLED,
        5,
        5.0,
        5.0,
        Decision(Verdict.GIVE_UP, None, "gave up after 5 attempt(s): TransportError: 429", whole=True),
    ),
    (
        "413: given up at once with its status",
        TOO_BIG,
        1,
        0.2,
        0.0,
        Decision(Verdict.GIVE_UP, 413, "bulk request refused: 413 request entity too large", whole=True),
    ),
    (
        "400: given up at once with its status",
        BAD,
        1,
        0.2,
        0.0,
        Decision(Verdict.GIVE_UP, 400, "bulk request refused: 400 mapper_parsing_exception", whole=True),
    ),
    (
        "403: never retried, even with time left",
        FORBIDDEN,
        1,
        0.0,
        0.0,
        Decision(Verdict.GIVE_UP, 403, "bulk request refused: 403 security_exception", whole=True),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_classify(case: tuple[str, Answered | RequestFailed, int, float, float, Decision]) -> None:
    _, result, attempts, delay, now, expected = case
    # Given a request's result, the attempts so far, the next wait and the time; the deadline is 10
    # When it is classified
    decision = classify(result, attempts, delay, now, deadline=10.0)
    # Then the verdict is the one the sink's rules give
    assert decision == expected


def test_a_retry_that_would_end_exactly_at_the_deadline_gives_up() -> None:
    # Given a wait that ends exactly at the deadline
    decision = classify(BUSY, 1, 2.0, 8.0, deadline=10.0)
    # Then it is not attempted
    assert decision.verdict is Verdict.GIVE_UP and decision.status is None


@pytest.mark.parametrize(
    ("attempts", "jitter", "expected"), [(1, 1.0, 0.2), (2, 1.0, 0.4), (3, 0.5, 0.4), (10, 1.0, 5.0), (10, 0.0, 0.0)]
)
def test_backoff_doubles_up_to_the_cap_times_the_jitter(attempts: int, jitter: float, expected: float) -> None:
    # Given base 0.1 s and cap 5 s: base·2^attempts, capped, scaled by the jitter (worked by hand)
    assert backoff_s(attempts, jitter, 0.1, 5.0) == pytest.approx(expected)
