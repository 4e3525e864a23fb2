"""Files shipped inside the loglake package, found the same way from a checkout and from a wheel.

The Athena views and saved questions (`loglake/sql/`) and the sources of the local OpenSearch node
(`loglake/nodes/`) are package data: `importlib.resources` finds them wherever loglake is installed.
Wheels install unzipped, so each is a real folder that DuckDB, Maven and javac can be pointed at.

What loglake fetches or builds for the local nodes (Maven jars, compiled launchers) is cached under
`$LOGLAKE_CACHE` (the Makefile points it at the checkout's `.cache/`), else `~/.cache/loglake`.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def package_dir(*parts: str) -> Path:
    """The folder `loglake/<parts>` of the installed package, as a path."""
    found = resources.files("loglake").joinpath(*parts)
    if not isinstance(found, Path) or not found.is_dir():
        raise FileNotFoundError(f"loglake/{'/'.join(parts)} is not in the installed package (a zipped install?)")
    return found


def cache_dir(name: str) -> Path:
    """Where the local node `name` keeps what it downloads and builds (created on first use by its fetch)."""
    root = os.environ.get("LOGLAKE_CACHE") or str(Path.home() / ".cache" / "loglake")
    return Path(root).expanduser().resolve() / name
