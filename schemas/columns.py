"""Column definitions: the vocabulary every renderer (Arrow, Glue DDL, OpenSearch) is generated from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """Logical column types. Each renderer maps a kind to its own type system."""

    STRING = "string"  # exact-match values: ids, names, enums
    TEXT = "text"  # free text: searched by words in OpenSearch, still a string in Parquet
    INT = "int"  # 32-bit integer
    BIGINT = "bigint"  # 64-bit integer
    DOUBLE = "double"
    TIMESTAMP = "timestamp"  # milliseconds, UTC, stored without a zone
    IP = "ip"  # an IPv4/IPv6 address, a string in Parquet


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    doc: str
    indexed: bool = True  # False: stored in OpenSearch `_source` but not searchable
    values: tuple[str, ...] = ()  # the closed list of values the column may hold (empty: any value)

    @property
    def described(self) -> str:
        """The doc, followed by the allowed values when the column has a closed list."""
        return f"{self.doc} One of: {', '.join(self.values)}." if self.values else self.doc


@dataclass(frozen=True)
class Partition:
    """A Hive partition key, derived from the event time; it lives in the object path, not in the file."""

    name: str
    kind: Kind
    doc: str
    projection: dict[str, str]


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    partitions: tuple[Partition, ...]
    time_column: str
    directory: str = ""  # the folder under the lake prefix holding its objects (default: the table's name)

    @property
    def folder(self) -> str:
        return self.directory or self.name

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)
