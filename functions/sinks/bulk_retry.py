"""The bulk sender's retry rule as a pure function: what one bulk request came back with, how many
attempts were made and how much time is left → done, retry after a delay, or give up.

- Every document indexed → done.
- Some documents rejected with a retryable status (429 …) → retry those, alone, while time allows;
  past the deadline they give up one by one (status 429), the rest of the chunk stays indexed.
- The request failed as a whole with a retryable status (429 / 502 / 503 / 504) or never reached the
  cluster → retry while time allows; past the deadline the whole request gives up with no status
  (unreachable: the sender then skips the cluster for a while).
- Any other status for the whole request (400, 413, 401, …) → give up at once with that status
  (400 / 413 are then split by the sender until only the guilty documents fail).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RequestFailed:
    """A bulk request that failed as a whole: the exception's class name, its HTTP status (None when
    there was no answer) and its message; `connection` when the cluster could not be reached."""

    kind: str
    status: int | None
    error: str
    connection: bool = False


@dataclass(frozen=True, slots=True)
class Answered:
    """A bulk request answered item by item: `rejected` documents came back with a retryable status."""

    rejected: int = 0


class Verdict(enum.Enum):
    DONE = "done"
    RETRY = "retry"
    GIVE_UP = "give up"


@dataclass(frozen=True, slots=True)
class Decision:
    """`whole`: the give-up concerns the whole request (else only the rejected documents);
    `status` and `reason` are what the given-up documents are recorded with; `delay_s` the wait before a retry."""

    verdict: Verdict
    status: int | None = None
    reason: str = ""
    whole: bool = False
    delay_s: float = 0.0


DONE = Decision(Verdict.DONE)


def backoff_s(attempts: int, jitter: float, base_s: float, max_s: float) -> float:
    """Exponential backoff with full jitter (`jitter` in [0, 1)) after `attempts` attempts."""
    return jitter * min(max_s, base_s * 2.0**attempts)


def classify(result: Answered | RequestFailed, attempts: int, delay_s: float, now: float, deadline: float) -> Decision:
    """The decision after attempt number `attempts` (1 for the first) ended at `now` with `result`;
    a retry would wait `delay_s` and must start before `deadline`."""
    if isinstance(result, Answered):
        if result.rejected == 0:
            return DONE
        reason, whole = "429 too many requests (rejected documents)", False
    else:
        if not result.connection and result.status not in RETRY_STATUSES:
            return Decision(
                Verdict.GIVE_UP, result.status, f"bulk request refused: {result.status} {result.error}", whole=True
            )
        reason, whole = f"{result.kind}: {result.status or result.error}", True
    if now + delay_s >= deadline:
        gave_up = f"gave up after {attempts} attempt(s): {reason}"
        return Decision(Verdict.GIVE_UP, None if whole else 429, gave_up, whole=whole)
    return Decision(Verdict.RETRY, reason=reason, whole=whole, delay_s=delay_s)
