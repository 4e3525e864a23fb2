"""The `--lake` of the commands that take a folder or `s3://bucket/prefix/` (backfill, groups
--after-backfill, reindex, replay-failed): one place that turns a lake it can't open into a usage error."""

from __future__ import annotations

from functions.backfill.runner import Lake
from loglake.commands.errors import UsageError


def open_lake(where: str, region: str | None) -> Lake:
    try:
        return Lake.parse(where, region)
    except ValueError as error:  # no bucket, or a prefix that could climb out of the lake
        raise UsageError(f"--lake: {error}") from error
