"""Logs Insights queries → `insights_ast`, by recursive descent over the characters.

Grammar (keywords are case-insensitive; a line whose first non-blank character is `#` is a comment):

    query     := command ("|" command)*
    command   := "fields" items | "display" items | "filter" expr | "sort" key ("," key)*
               | "limit" INT | "dedup" field ("," field)*
               | "stats" items ["by" items]
               | "parse" field (STRING "as" NAME ("," NAME)* | REGEX)
    items     := expr ["as" NAME] ("," expr ["as" NAME])*
    key       := expr ["asc" | "desc"]
    expr      := and ("or" and)*
    and       := not ("and" not)*
    not       := "not" not | compare
    compare   := sum [ ("=" | "!=" | "<" | "<=" | ">" | ">=") sum
                     | ["not"] "like" (STRING | REGEX) | "=~" (STRING | REGEX)
                     | ["not"] "in" "[" literal ("," literal)* "]" ]
    sum       := product (("+" | "-") product)*
    product   := power (("*" | "/" | "%") power)*
    power     := unary ["^" unary]
    unary     := "-" unary | primary
    primary   := NUMBER | PERIOD | STRING | "(" expr ")" | NAME "(" [args] ")" | field
    field     := NAME | "`" any "`"            NAME: letters, digits, "_", "@", "." (a.b: nested JSON)
    PERIOD    := INT ("ms" | "s" | "m" | "h" | "d")    e.g. 5m, as in bin(5m)
    STRING    := '...' | "..."                 REGEX := /.../ (where a regex may stand)

Unsupported commands (unnest, pattern, diff, lookup, ...) are errors that name them and their
position; `insights_sql` does the same for unsupported functions.
"""

from __future__ import annotations

import re

from loglake.cwlogs_query.errors import QuerySyntaxError
from loglake.cwlogs_query.insights_ast import (
    Binary,
    Call,
    Command,
    Dedup,
    Display,
    Expr,
    Field,
    Fields,
    Filter,
    In,
    Item,
    Like,
    Limit,
    Literal,
    Parse,
    Period,
    Query,
    Regex,
    Sort,
    SortKey,
    Stats,
    Unary,
)

_NAME = re.compile(r"[A-Za-z_@][A-Za-z0-9_@.]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_PERIOD = re.compile(r"([0-9]+)(ms|s|m|h|d)(?![A-Za-z0-9_])")
_PERIOD_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_COMMANDS = ("fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup")
_KEYWORDS = frozenset({"and", "or", "not", "like", "in", "as", "by", "asc", "desc"})
_COMPARISONS = ("!=", "<=", ">=", "=", "<", ">")


def parse_insights(text: str) -> Query:
    return _Parser(text).query()


def _strip_comments(text: str) -> str:
    """Comment lines become blanks of the same length, so positions still point into the query."""
    lines = text.split("\n")
    return "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in lines)


class _Parser:
    def __init__(self, text: str) -> None:
        self.original = text
        self.text = _strip_comments(text)
        self.pos = 0

    # --- scanning ----------------------------------------------------------------------------

    def error(self, message: str, position: int | None = None) -> QuerySyntaxError:
        return QuerySyntaxError(message, self.original, self.pos if position is None else position)

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self, token: str) -> bool:
        self.skip()
        return self.text.startswith(token, self.pos)

    def accept(self, token: str) -> bool:
        if self.peek(token):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.accept(token):
            found = self.text[self.pos : self.pos + 12].strip() or "the end of the query"
            raise self.error(f"expected {token!r} but found {found!r}")

    def word(self) -> str | None:
        """The name at the current position, lower case, without consuming it."""
        self.skip()
        match = _NAME.match(self.text, self.pos)
        return match.group().lower() if match else None

    def keyword(self, *words: str) -> str | None:
        word = self.word()
        if word in words:
            self.pos += len(word)
            return word
        return None

    def slice(self, start: int) -> str:
        return self.text[start : self.pos].strip()

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

    def name(self) -> str:
        self.skip()
        if self.text.startswith("`", self.pos):
            return self.backticked()
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise self.error("expected a name")
        self.pos = match.end()
        return match.group()

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

    # --- expressions -------------------------------------------------------------------------

    def expr(self) -> Expr:
        self.skip()
        start = self.pos
        left = self.conjunction()
        while self.keyword("or"):
            left = Binary(self.slice(start), start, "or", left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        self.skip()
        start = self.pos
        left = self.negation()
        while self.keyword("and"):
            left = Binary(self.slice(start), start, "and", left, self.negation())
        return left

    def negation(self) -> Expr:
        self.skip()
        start = self.pos
        if self.keyword("not"):
            operand = self.negation()
            return Unary(self.slice(start), start, "not", operand)
        return self.comparison()

    def comparison(self) -> Expr:
        self.skip()
        start = self.pos
        left = self.sum()
        self.skip()
        save = self.pos
        negated = self.keyword("not") is not None
        if self.keyword("like"):
            return Like(self.slice(start), start, left, self.like_pattern(), negated)
        if self.keyword("in"):
            return In(self.slice(start), start, left, self.literal_list(), negated)
        if negated:
            self.pos = save
            return left
        if self.accept("=~"):
            return Like(self.slice(start), start, left, self.like_pattern(), False)
        for op in _COMPARISONS:
            if self.accept(op):
                right = self.sum()
                return Binary(self.slice(start), start, op, left, right)
        return left

    def like_pattern(self) -> Literal | Regex:
        self.skip()
        if self.text.startswith("/", self.pos):
            return self.regex()
        if self.pos < len(self.text) and self.text[self.pos] in "'\"":
            return self.string()
        raise self.error('expected a "string" or a /regex/ after like')

    def literal_list(self) -> tuple[Literal, ...]:
        self.expect("[")
        items = []
        while True:
            self.skip()
            start = self.pos
            value = self.primary()
            if isinstance(value, Unary) and isinstance(value.operand, Literal):
                value = Literal(value.text, start, -float(value.operand.value))
            if not isinstance(value, Literal):
                raise self.error("expected a number or a string in the list", start)
            items.append(value)
            if self.accept("]"):
                return tuple(items)
            self.expect(",")

    def sum(self) -> Expr:
        self.skip()
        start = self.pos
        left = self.product()
        while True:
            self.skip()
            op = self.text[self.pos : self.pos + 1]
            if op in ("+", "-"):
                self.pos += 1
                left = Binary(self.slice(start), start, op, left, self.product())
            else:
                return left

    def product(self) -> Expr:
        self.skip()
        start = self.pos
        left = self.power()
        while True:
            self.skip()
            op = self.text[self.pos : self.pos + 1]
            if op in ("*", "/", "%"):
                self.pos += 1
                left = Binary(self.slice(start), start, op, left, self.power())
            else:
                return left

    def power(self) -> Expr:
        self.skip()
        start = self.pos
        base = self.unary()
        if self.accept("^"):
            return Binary(self.slice(start), start, "^", base, self.unary())
        return base

    def unary(self) -> Expr:
        self.skip()
        start = self.pos
        if self.accept("-"):
            operand = self.unary()
            if isinstance(operand, Literal) and isinstance(operand.value, float):
                return Literal(self.slice(start), start, -operand.value)
            return Unary(self.slice(start), start, "-", operand)
        return self.primary()

    def primary(self) -> Expr:
        self.skip()
        start = self.pos
        if self.pos >= len(self.text):
            raise self.error("expected a value, a field or a function")
        char = self.text[self.pos]
        if char == "(":
            self.pos += 1
            inner = self.expr()
            self.expect(")")
            return inner
        if char in "'\"":
            return self.string()
        if char == "`":
            name = self.backticked()
            return Field(self.slice(start), start, name)
        period = _PERIOD.match(self.text, self.pos)
        if period:
            self.pos = period.end()
            seconds = int(period.group(1)) * _PERIOD_SECONDS[period.group(2)]
            if seconds < 1:
                raise self.error("periods shorter than a second are not supported", start)
            return Period(self.slice(start), start, int(seconds))
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            return Literal(self.slice(start), start, float(number.group()))
        match = _NAME.match(self.text, self.pos)
        if not match or match.group().lower() in _KEYWORDS:
            raise self.error("expected a value, a field or a function")
        self.pos = match.end()
        if self.accept("("):
            return self.call(match.group().lower(), start)
        return Field(self.slice(start), start, match.group())

    def call(self, name: str, start: int) -> Call:
        if self.accept("*"):
            self.expect(")")
            return Call(self.slice(start), start, name, (), star=True)
        args: list[Expr] = []
        if not self.accept(")"):
            args.append(self.expr())
            while self.accept(","):
                args.append(self.expr())
            self.expect(")")
        return Call(self.slice(start), start, name, tuple(args))

    def string(self) -> Literal:
        start = self.pos
        quote = self.text[self.pos]
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if char == quote:
                return Literal(self.text[start : self.pos], start, "".join(out))
            out.append(char)
        raise self.error("unterminated string", start)

    def regex(self) -> Regex:
        start = self.pos
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                escaped = self.text[self.pos + 1]
                out.append(escaped if escaped == "/" else char + escaped)
                self.pos += 2
                continue
            self.pos += 1
            if char == "/":
                return Regex(self.text[start : self.pos], start, "".join(out))
            out.append(char)
        raise self.error("unterminated regular expression", start)

    def backticked(self) -> str:
        start = self.pos
        end = self.text.find("`", self.pos + 1)
        if end < 0:
            raise self.error("unterminated `field name`", start)
        self.pos = end + 1
        return self.text[start + 1 : end]


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
