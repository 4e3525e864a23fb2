"""Logs Insights queries → `insights_ast`, by recursive descent over the characters.

Grammar (keywords are case-insensitive; a line whose first non-blank character is `#` is a comment):

    query     := command ("|" command)*
    command   := "fields" items | "display" items | "filter" expr | "sort" key ("," key)*
               | "limit" INT | "dedup" field ("," field)*
               | "stats" items ["by" items]
               | "parse" field (STRING "as" NAME ("," NAME)* | REGEX)
    items     := expr ["as" NAME] ("," expr ["as" NAME])*
    key       := expr ["asc" | "desc"]
    expr      := ... (the grammar of expressions is in `insights_expr_parser`)

Unsupported commands (unnest, pattern, diff, lookup, ...) are errors that name them and their
position; `insights_sql` does the same for unsupported functions.
"""

from __future__ import annotations

import re

from loglake.cwlogs_query.errors import QuerySyntaxError
from loglake.cwlogs_query.insights_ast import (
    Command,
    Dedup,
    Display,
    Field,
    Fields,
    Filter,
    Item,
    Limit,
    Parse,
    Query,
    Sort,
    SortKey,
    Stats,
)
from loglake.cwlogs_query.insights_expr_parser import ExpressionParser

_COMMANDS = ("fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup")


def parse_insights(text: str) -> Query:
    return _Parser(text).query()


def _strip_comments(text: str) -> str:
    """Comment lines become blanks of the same length, so positions still point into the query."""
    lines = text.split("\n")
    return "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in lines)


class _Parser(ExpressionParser):
    def __init__(self, text: str) -> None:
        super().__init__(_strip_comments(text), text)

    # --- commands ----------------------------------------------------------------------------

    def query(self) -> Query:
        commands = [self.command()]
        while self.accept("|"):
            commands.append(self.command())
        self.skip()
        if self.pos < len(self.text):
            raise self.error("expected '|' between commands")
        return Query(self.original, tuple(commands))

    def command(self) -> Command:
        self.skip()
        start = self.pos
        name = self.word()
        if name is None:
            raise self.error("expected a command (fields, filter, stats, sort, limit, parse, display, dedup)")
        if name not in _COMMANDS:
            raise self.error(f"unsupported command {name!r}", start)
        self.pos += len(name)
        built: Command
        if name in ("fields", "display"):
            items = self.items()
            built = (
                Fields(self.slice(start), start, items)
                if name == "fields"
                else Display(self.slice(start), start, items)
            )
        elif name == "filter":
            built = Filter(self.slice(start), start, self.expr())
        elif name == "stats":
            aggregates = self.items()
            by = self.items() if self.keyword("by") else ()
            built = Stats(self.slice(start), start, aggregates, by)
        elif name == "sort":
            built = Sort(self.slice(start), start, self.sort_keys())
        elif name == "limit":
            built = Limit(self.slice(start), start, self.integer())
        elif name == "dedup":
            built = Dedup(self.slice(start), start, self.fields_list())
        else:
            built = self.parse_command(start)
        return built

    def items(self) -> tuple[Item, ...]:
        items = [self.item()]
        while self.accept(","):
            items.append(self.item())
        return tuple(items)

    def item(self) -> Item:
        expr = self.expr()
        alias = self.name() if self.keyword("as") else None
        return Item(expr, alias)

    def sort_keys(self) -> tuple[SortKey, ...]:
        keys = []
        while True:
            expr = self.expr()
            direction = self.keyword("asc", "desc")
            keys.append(SortKey(expr, direction == "desc"))
            if not self.accept(","):
                return tuple(keys)

    def integer(self) -> int:
        self.skip()
        match = re.compile(r"[0-9]+").match(self.text, self.pos)
        if not match:
            raise self.error("expected a number of rows")
        self.pos = match.end()
        return int(match.group())

    def fields_list(self) -> tuple[Field, ...]:
        fields = []
        while True:
            self.skip()
            start = self.pos
            name = self.name()
            fields.append(Field(self.slice(start), start, name))
            if not self.accept(","):
                return tuple(fields)

    def parse_command(self, start: int) -> Parse:
        self.skip()
        at = self.pos
        name = self.name()
        source = Field(self.slice(at), at, name)
        self.skip()
        at = self.pos
        if self.text.startswith("/", self.pos):
            pattern = self.regex()
            regex, names, groups = named_groups(pattern.pattern, self.original, at)
            if not names:
                raise self.error("a parse regex needs named groups like (?<level>\\S+)", at)
            return Parse(self.slice(start), start, source, regex, names, groups)
        if self.pos >= len(self.text) or self.text[self.pos] not in "'\"":
            raise self.error("expected a glob string or a /regex/ after the field to parse")
        glob = self.string()
        if not self.keyword("as"):
            raise self.error("expected 'as' and the names of the glob's fields")
        glob_names = [self.name()]
        while self.accept(","):
            glob_names.append(self.name())
        stars = str(glob.value).count("*")
        if stars != len(glob_names):
            raise self.error(f"the glob has {stars} '*' but {len(glob_names)} names follow 'as'", at)
        regex, groups = glob_regex(str(glob.value)), tuple(range(1, stars + 1))
        return Parse(self.slice(start), start, source, regex, tuple(glob_names), groups)


def glob_regex(glob: str) -> str:
    """`[*] * The error was: *` → a regex: each `*` a lazy group, a trailing `*` a greedy one."""
    parts = glob.split("*")
    out = []
    for i, part in enumerate(parts):
        out.append("".join("\\" + c if c.isascii() and not c.isalnum() and not c.isspace() else c for c in part))
        if i < len(parts) - 1:
            out.append("(.*)" if i == len(parts) - 2 and parts[-1] == "" else "(.*?)")
    return "".join(out)


_GROUP_NAME = re.compile(r"\?<([A-Za-z][A-Za-z0-9_]*)>")


def named_groups(pattern: str, text: str, position: int) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
    """The regex with `(?<name>` turned into plain groups (RE2 and Joni both read those), the names and
    the number of each named group among all capturing groups."""
    out, names, groups = [], [], []
    count, i, in_class = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            named = _GROUP_NAME.match(pattern, i + 1)
            if named:
                count += 1
                names.append(named.group(1))
                groups.append(count)
                out.append("(")
                i = named.end()
                continue
            if not pattern.startswith("?", i + 1):
                count += 1
        out.append(char)
        i += 1
    if len(set(names)) != len(names):
        raise QuerySyntaxError("a name appears twice among the regex's named groups", text, position)
    return "".join(out), tuple(names), tuple(groups)
