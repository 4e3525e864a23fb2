"""The corpus of real CloudWatch lines in tests/events/real/, as deliveries the parser can take.

Each file holds deliveries (one batch of one log stream, in order) of lines collected from public
sources, each delivery with its source, and for every line the values written by reading it. This
module only loads them and compares: it knows nothing of how the parser works.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from functions.parser.decode import LogBatch
from functions.parser.normalize import BatchContext, normalize

CORPUS = Path(__file__).resolve().parents[2] / "events" / "real"
OWNER = "123456789012"
REGION = "eu-west-1"
FIRST_MS = 1_795_737_600_000  # 2026-11-27T00:00:00Z: lines are spaced 10 ms apart in file order


@dataclass(frozen=True)
class Delivery:
    file: str
    source: str
    batch: LogBatch
    expected: list[dict[str, Any]]  # per line: column → value


def deliveries() -> list[Delivery]:
    found: list[Delivery] = []
    clock = FIRST_MS
    for path in sorted(CORPUS.glob("*.json")):
        for index, raw in enumerate(json.loads(path.read_text(encoding="utf-8")).get("deliveries", [])):
            events = raw["events"]
            n = len(events)
            batch = LogBatch(
                owner=OWNER,
                log_group=raw["log_group"],
                log_stream=raw["log_stream"],
                event_ids=[f"{path.stem}-{index}-{i}" for i in range(n)],
                timestamps=[clock + 10 * i for i in range(n)],
                messages=[e["line"] for e in events],
            )
            clock += 10 * n + 1000
            common = raw.get("expect_all", {})
            found.append(Delivery(path.name, raw["source"], batch, [{**common, **e["expect"]} for e in events]))
    return found


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float) and isinstance(got, int | float):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    return bool(got == want)


def mismatches(delivery: Delivery) -> list[tuple[int, str, Any, Any]]:
    """(line index, column, parsed, expected) for every expected value the parser got wrong."""
    rows = normalize(delivery.batch, BatchContext(REGION, FIRST_MS)).table.to_pylist()
    wrong = []
    for i, (row, expected) in enumerate(zip(rows, delivery.expected, strict=True)):
        for column, want in expected.items():
            if not _same(row[column], want):
                wrong.append((i, column, row[column], want))
    return wrong


def score() -> dict[str, tuple[int, int]]:
    """Per corpus file: (lines whose every expected value is right, lines)."""
    result: dict[str, tuple[int, int]] = {}
    for delivery in deliveries():
        bad = {i for i, *_ in mismatches(delivery)}
        right, total = result.get(delivery.file, (0, 0))
        result[delivery.file] = (right + len(delivery.expected) - len(bad), total + len(delivery.expected))
    return result


if __name__ == "__main__":  # `python -m tests.functions.parser.real_corpus`: the figures for a report
    for name, (right, total) in sorted(score().items()):
        print(f"{name:32} {right:4} / {total:4}")
    print(f"{'all':32} {sum(r for r, _ in score().values()):4} / {sum(t for _, t in score().values()):4}")
