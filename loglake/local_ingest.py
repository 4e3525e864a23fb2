"""Feed files of Lambda events through the parser's handler code into a local lake folder."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from functions.parser.decode import DecodeError
from functions.parser.ingest import Indexer, Ingestor, Summary
from functions.parser.wiring import handle
from functions.sinks.s3_parquet import LocalStore


class InputError(ValueError):
    pass


def read_events(path: Path) -> Iterator[dict[str, Any]]:
    """A file holds one JSON object, a JSON array of them, or JSON Lines."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            items: list[Any] = [json.loads(line) for line in lines]
        except ValueError as exc:
            raise InputError(f"{path}: neither JSON nor JSON Lines ({exc})") from exc
    else:
        items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{path}: item {index} is not a JSON object (a Lambda event)")
        yield item


def local_ingestor(lake: Path, region: str, indexer: Indexer | None = None) -> Ingestor:
    return Ingestor(store=LocalStore(lake), prefix="", region=region, indexer=indexer)


@dataclass
class Progress:
    """A one-line counter on a terminal; a line every few seconds when stderr is a file or a pipe."""

    out: TextIO = sys.stderr
    started: float = field(default_factory=time.perf_counter)
    _last: float = 0.0

    def tick(self, summary: Summary, force: bool = False) -> None:
        now = time.perf_counter()
        interactive = self.out.isatty()
        if not force and now - self._last < (0.5 if interactive else 5.0):
            return
        self._last = now
        rate = summary.events_in / max(now - self.started, 1e-9)
        text = f"  {summary.payloads:,} payloads, {summary.events_in:,} events ({rate:,.0f}/s)"
        self.out.write(("\r" + text + ("\n" if force else "")) if interactive else text + "\n")
        self.out.flush()


def ingest_events(events: Iterator[dict[str, Any]], ingestor: Ingestor, progress: Progress | None = None) -> Summary:
    """Every event through `handle`; a bad event is reported in `failed_items` and the rest go on."""
    total = Summary()
    for index, event in enumerate(events):
        try:
            summary, _ = handle(event, ingestor)
        except (DecodeError, BatchProcessingError) as exc:
            total.failed_items.append(f"event {index}: {exc}")
            continue
        total.merge(summary)
        if progress:
            progress.tick(total)
    if progress:
        progress.tick(total, force=True)
    return total
