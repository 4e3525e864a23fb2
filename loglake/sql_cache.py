"""What sqlglot made of the view files and of the statements run on the lake, kept between runs.

Transpiling Athena SQL to DuckDB (`loglake.transpile`) imports and runs sqlglot: a few hundred ms a
process, more than a small query takes. A run whose views and statement were transpiled before reads
the answers from files instead and never imports sqlglot:

- `views-<key>.json`: every view in dependency order, as DuckDB SQL, with what it reads and its
  output column types. The key digests everything the answer depends on: the view files, the lake's
  schema, the transpiler's own source, and which sqlglot is installed. The `MAX_VIEWS` newest are kept.
- `statements/<digest>.json`: one statement's DuckDB text, the tables it reads and whether it is a
  query (the read-only verdict), keyed by its text and the views' key. At most `MAX_STATEMENTS` are
  kept (the oldest go first).

Files are written to a temporary name and renamed into place, so a reader sees a whole file or none,
whatever other processes do meanwhile. A file that doesn't read back as the entry it should be
(truncated, corrupt, another format, another key) is ignored and written again. A cache that can't be
written (a read-only home) only costs the time to transpile again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from loglake.resources import cache_dir
from loglake.views import VIEWS_DIR, view_files
from schemas.lake import EVENT_COMMITS, EVENT_OBJECTS
from schemas.trino import trino_type

FORMAT = 1
MAX_STATEMENTS = 1000
MAX_VIEWS = 8  # view sets: checkouts of different versions may share one cache
PATH_COLUMN = "$path"  # the object a row of `events_objects` was read from (as on Athena and Trino)
# the sources that decide what a view or statement becomes (with the schema, and sqlglot itself)
_TRANSPILER = ("transpile.py", "statements.py", "views.py", "sql_cache.py")

Types = dict[str, dict[str, str]]  # table or view → column → Trino type ("UNKNOWN" when not known)


@dataclass(frozen=True)
class CompiledView:
    name: str
    uses: tuple[str, ...]  # the tables and views it reads
    duckdb: str  # its CREATE VIEW in DuckDB SQL ("" when `error`)
    columns: dict[str, str]  # output column → Trino type
    error: str = ""  # why it could not be translated


@dataclass(frozen=True)
class CompiledStatement:
    query: bool  # a query (passes the read-only check)
    uses: tuple[str, ...]
    duckdb: str


@dataclass(frozen=True)
class CompiledViews:
    key: str
    views: list[CompiledView]  # dependency order

    def types(self) -> Types:
        return lake_types() | {view.name: view.columns for view in self.views if not view.error}


def lake_types() -> Types:
    """The lake's two tables as the views read them, in Trino types (from schemas/)."""
    types: Types = {}
    for table in (EVENT_OBJECTS, EVENT_COMMITS):
        columns = [*((c.name, c.kind) for c in table.columns), *((p.name, p.kind) for p in table.partitions)]
        types[table.name] = {name: trino_type(kind) for name, kind in columns}
    types[EVENT_OBJECTS.name][PATH_COLUMN] = "varchar"
    return types


def _sqlglot_identity() -> str:
    """Which sqlglot is installed, without importing it: the distribution folder beside the package names
    its version; a source checkout without one is known by the package file's path, size and time."""
    spec = find_spec("sqlglot")
    if spec is None or spec.origin is None:
        return "no sqlglot"
    package = Path(spec.origin)
    found = sorted(p.name for p in package.parent.parent.glob("sqlglot-*.dist-info"))
    if found:
        return "|".join(found)
    stat = package.stat()
    return f"{package}|{stat.st_size}|{stat.st_mtime_ns}"


def views_key(views_dir: Path) -> str:
    digest = hashlib.sha256(f"format {FORMAT}\n{_sqlglot_identity()}\n".encode())
    digest.update(json.dumps(lake_types(), sort_keys=True).encode())
    here = Path(__file__).parent
    for name in _TRANSPILER:
        digest.update(b"\0" + name.encode() + b"\0" + (here / name).read_bytes())
    for path in view_files(views_dir):
        digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def statement_key(views: CompiledViews, sql: str) -> str:
    return hashlib.sha256(f"{views.key}\0{sql}".encode()).hexdigest()


def _read(path: Path, key: str) -> dict[str, Any] | None:
    """The entry stored at `path` under `key`; None when missing or not a whole entry of this format."""
    try:
        entry = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
        return None
    return entry


def _write(path: Path, key: str, body: dict[str, Any]) -> None:
    """Atomically: a temporary file in the same folder, renamed over `path`. Errors only lose the entry."""
    text = json.dumps({"format": FORMAT, "key": key, **body}, sort_keys=True)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _views_from(entry: dict[str, Any]) -> list[CompiledView] | None:
    try:
        return [
            CompiledView(
                _text(v["name"]),
                tuple(map(_text, v["uses"])),
                _text(v["duckdb"]),
                {_text(k): _text(t) for k, t in v["columns"].items()},
                _text(v["error"]),
            )
            for v in entry["views"]
        ]
    except (KeyError, TypeError, AttributeError):
        return None


def _statement_from(entry: dict[str, Any]) -> CompiledStatement | None:
    query, uses, duckdb_sql = entry.get("query"), entry.get("uses"), entry.get("duckdb")
    if not isinstance(query, bool) or not isinstance(uses, list) or not isinstance(duckdb_sql, str):
        return None
    if not all(isinstance(name, str) for name in uses):
        return None
    return CompiledStatement(query, tuple(uses), duckdb_sql)


def default_folder() -> Path:
    return cache_dir("sql")


class SqlCache:
    """Compiled views and statements: from `folder` when there, else transpiled and stored there (None:
    kept in memory only). Either way an instance transpiles each at most once."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._views: dict[str, CompiledViews] = {}
        self._statements: dict[str, CompiledStatement] = {}

    def views(self, views_dir: Path = VIEWS_DIR) -> CompiledViews:
        key = views_key(views_dir)
        if key in self._views:
            return self._views[key]
        path = None if self.folder is None else self.folder / f"views-{key[:32]}.json"
        entry = None if path is None else _read(path, key)
        views = None if entry is None else _views_from(entry)
        if views is None:
            from loglake.transpile import compile_views
            from loglake.views import ordered_views

            views = compile_views(ordered_views(views_dir))
            if path is not None:
                _write(path, key, {"views": [asdict(v) for v in views]})
                _trim(path.parent, "views-*.json", MAX_VIEWS)
        self._views[key] = CompiledViews(key, views)
        return self._views[key]

    def statement(self, sql: str, views: CompiledViews, *, read_only: bool) -> CompiledStatement:
        """`sql` compiled; with `read_only`, a statement that is not a query raises `QueryError`."""
        key = statement_key(views, sql)
        path = None if self.folder is None else self.folder / "statements" / f"{key[:40]}.json"
        found = self._statements.get(key)
        if found is None and path is not None:
            entry = _read(path, key)
            found = None if entry is None else _statement_from(entry)
        if found is not None and (found.query or not read_only):
            self._remember(key, found)
            return found
        from loglake.transpile import compile_statement

        compiled = compile_statement(sql, views.types(), read_only=read_only)
        self._remember(key, compiled)
        if path is not None:
            _write(path, key, {"query": compiled.query, "uses": list(compiled.uses), "duckdb": compiled.duckdb})
            _trim(path.parent, "*.json", MAX_STATEMENTS)
        return compiled

    def _remember(self, key: str, compiled: CompiledStatement) -> None:
        if len(self._statements) >= MAX_STATEMENTS:
            self._statements.clear()
        self._statements[key] = compiled


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _trim(folder: Path, pattern: str, most: int) -> None:
    """At most `most` entries `pattern` in `folder`: past that, the older ones go, down to half."""
    try:
        entries = sorted((p.stat().st_mtime_ns, p) for p in folder.glob(pattern))
    except OSError:
        return  # one vanished meanwhile (another process trimming): next time
    if len(entries) > most:
        _remove(p for _, p in entries[: len(entries) - max(1, most // 2)])
