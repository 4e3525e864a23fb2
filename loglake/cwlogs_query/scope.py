"""Which events a query reads: log groups and a time range, as SQL conditions on `events`.

`--since` / `--until` also bound the `dt` partition, so Athena reads only the days asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def parse_time(text: str) -> dt.datetime:
    """`2026-11-27`, `2026-11-27T09:30`, `2026-11-27 09:30:15` (UTC); raises ValueError otherwise."""
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


@dataclass(frozen=True)
class Scope:
    log_groups: tuple[str, ...] = ()
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def conditions(self) -> list[str]:
        out = []
        if self.log_groups:
            out.append("log_group IN (" + ", ".join(_literal(g) for g in self.log_groups) + ")")
        if self.since is not None:
            out.append(f"dt >= {_literal(self.since.date().isoformat())}")
            out.append(f"event_time >= TIMESTAMP {_literal(self.since.isoformat(sep=' '))}")
        if self.until is not None:
            out.append(f"dt <= {_literal(self.until.date().isoformat())}")
            out.append(f"event_time < TIMESTAMP {_literal(self.until.isoformat(sep=' '))}")
        return out

    def where(self, *more: str) -> str:
        conditions = self.conditions() + list(more)
        return " AND ".join(conditions) if conditions else "true"
