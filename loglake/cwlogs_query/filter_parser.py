"""CloudWatch Logs filter patterns → `filter_ast`, by recursive descent over the characters.

Grammar (whitespace is allowed between tokens; `TEXT` is a double-quoted string with `\\"` and
`\\\\` escapes; `WORD` is a run of characters that are not whitespace):

    pattern     := terms | json | delimited
    terms       := ε | group (group)*                 the empty pattern matches every event
    group       := ["?"] term (term)*                 a "?" starts a new alternative group
    term        := ["-"] (TEXT | WORD)                "-" excludes the term
    json        := "{" or_expr "}"
    or_expr     := and_expr ("||" and_expr)*          "&&" binds tighter than "||"
    and_expr    := primary ("&&" primary)*
    primary     := "(" or_expr ")" | selector test
    selector    := "$" ("." KEY | "[" INT "]")+       KEY: letters, digits, "_", "-"
    test        := OP value | "IS" ("NULL" | "TRUE" | "FALSE") | "NOT" "EXISTS" | "EXISTS"
    OP          := "=" | "!=" | "<" | "<=" | ">" | ">="
    value       := TEXT | BARE                        BARE: up to whitespace or one of ,)]}&|
    delimited   := "[" slot ("," slot)* "]"
    slot        := "..." | NAME? | condition (("&&" | "||") condition)*
    condition   := NAME OP value                      every condition of a slot names that slot

Values: a BARE value that is a number (`-12`, `1.5`, `10e3`) is a `NumberValue` compared
numerically; anything else is a `StringValue`, where `*` at the start and/or the end is a wildcard
(`*Event`, `Event*`, `*html*`, `*`) and a `*` in the middle is literal (AWS documentation,
"Filter and Pattern Syntax"). `<`, `<=`, `>`, `>=` need a number.

Not supported, each with an error naming its position: regular expressions (`%...%`), more than
one `...` in a delimited pattern (the CDK refuses it too), `$.*` selectors.
"""

from __future__ import annotations

import re

from loglake.cwlogs_query.filter_ast import (
    Check,
    DelimitedPattern,
    FieldCondition,
    FilterPattern,
    JsonAnd,
    JsonCheck,
    JsonComparison,
    JsonExpr,
    JsonOr,
    JsonPattern,
    NumberValue,
    Operator,
    Selector,
    Slot,
    StringValue,
    TermGroup,
    TextPattern,
    Value,
)
from loglake.cwlogs_query.scanner import Scanner

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_BARE_STOP = set(",)]}&|")
_OPERATORS: tuple[Operator, ...] = ("!=", "<=", ">=", "=", "<", ">")


def parse_filter_pattern(text: str) -> FilterPattern:
    return _Parser(text).pattern()


def parse_selector(text: str) -> Selector:
    """A JSON selector alone (`$.a.b[0]`), as a metric filter's value names it."""
    parser = _Parser(text)
    selector = parser.selector()
    if not parser.at_end():
        raise parser.error("unexpected text after the selector")
    return selector


class _Parser(Scanner):
    def expect(self, token: str, what: str) -> None:
        if not self.accept(token):
            found = self.text[self.pos : self.pos + 10] or "the end of the pattern"
            raise self.error(f"expected {what} but found {found!r}")

    def quoted(self) -> str:
        """A double-quoted string starting at `pos`; returns its unescaped content."""
        start = self.pos
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text) and self.text[self.pos + 1] in '"\\':
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1
        raise self.error("unterminated quoted string", start)

    def keyword(self, *words: str) -> str | None:
        self.skip()
        for word in words:
            end = self.pos + len(word)
            if self.text[self.pos : end].upper() == word and (end >= len(self.text) or not self.text[end].isalnum()):
                self.pos = end
                return word
        return None

    # --- pattern ---------------------------------------------------------------------------

    def pattern(self) -> FilterPattern:
        self.skip()
        if self.peek("{"):
            result: FilterPattern = self.json()
        elif self.peek("["):
            result = self.delimited()
        else:
            return self.terms()
        if not self.at_end():
            raise self.error("unexpected text after the end of the pattern")
        return result

    def terms(self) -> TextPattern:
        groups: list[TermGroup] = []
        include: list[str] = []
        exclude: list[str] = []
        started = False
        while not self.at_end():
            start = self.pos
            if self.accept("?"):
                if started:
                    groups.append(TermGroup(tuple(include), tuple(exclude)))
                include, exclude = [], []
            negative = self.accept("-")
            term = self.term(start)
            (exclude if negative else include).append(term)
            started = True
        if started:
            groups.append(TermGroup(tuple(include), tuple(exclude)))
        for group in groups:
            if not group.include and not group.exclude:
                raise self.error("empty term group")
        return TextPattern(tuple(groups))

    def term(self, start: int) -> str:
        self.skip()
        if self.pos >= len(self.text):
            raise self.error("expected a term after '?' or '-'")
        if self.text[self.pos] == '"':
            return self.quoted()
        if self.text[self.pos] == "%":
            raise self.error("regular expression filter patterns (%...%) are not supported", start)
        end = self.pos
        while end < len(self.text) and not self.text[end].isspace():
            if self.text[end] == '"':
                raise self.error("a quote inside a term: quote the whole term", end)
            end += 1
        word, self.pos = self.text[self.pos : end], end
        return word

    # --- JSON --------------------------------------------------------------------------------

    def json(self) -> JsonPattern:
        self.expect("{", "'{'")
        expr = self.or_expr()
        self.expect("}", "'}' closing the JSON pattern")
        return JsonPattern(expr)

    def or_expr(self) -> JsonExpr:
        left = self.and_expr()
        while self.accept("||"):
            left = JsonOr(left, self.and_expr())
        return left

    def and_expr(self) -> JsonExpr:
        left = self.primary()
        while self.accept("&&"):
            left = JsonAnd(left, self.primary())
        return left

    def primary(self) -> JsonExpr:
        if self.accept("("):
            inner = self.or_expr()
            self.expect(")", "')'")
            return inner
        selector = self.selector()
        check = self.check()
        if check is not None:
            return JsonCheck(selector, check)
        op = self.operator()
        return JsonComparison(selector, op, self.value(op))

    def selector(self) -> Selector:
        self.skip()
        start = self.pos
        if not self.accept("$"):
            raise self.error("expected a selector starting with '$' (like $.level)")
        steps: list[str | int] = []
        while True:
            if self.text.startswith(".", self.pos):
                self.pos += 1
                if self.text.startswith("*", self.pos):
                    raise self.error("wildcard selectors ($.*) are not supported")
                match = _KEY.match(self.text, self.pos)
                if not match:
                    raise self.error("expected a key name after '.'")
                steps.append(match.group())
                self.pos = match.end()
            elif self.text.startswith("[", self.pos):
                match = re.compile(r"\[(\d+)\]").match(self.text, self.pos)
                if not match:
                    raise self.error("expected an array index like [0]")
                steps.append(int(match.group(1)))
                self.pos = match.end()
            else:
                break
        if not steps:
            raise self.error("a selector needs at least one key, like $.level", start)
        return Selector(tuple(steps), self.text[start : self.pos])

    def check(self) -> Check | None:
        save = self.pos
        if self.keyword("IS"):
            word = self.keyword("NULL", "TRUE", "FALSE")
            if word is None:
                raise self.error("expected NULL, TRUE or FALSE after IS")
            return "IS NULL" if word == "NULL" else "IS TRUE" if word == "TRUE" else "IS FALSE"
        if self.keyword("NOT"):
            if self.keyword("EXISTS") is None:
                raise self.error("expected EXISTS after NOT")
            return "NOT EXISTS"
        if self.keyword("EXISTS"):
            return "EXISTS"
        self.pos = save
        return None

    # --- values ------------------------------------------------------------------------------

    def operator(self) -> Operator:
        self.skip()
        for op in _OPERATORS:
            if self.text.startswith(op, self.pos):
                self.pos += len(op)
                return op
        raise self.error("expected a comparison operator (=, !=, <, <=, >, >=)")

    def value(self, op: Operator) -> Value:
        self.skip()
        start = self.pos
        if self.pos >= len(self.text):
            raise self.error("expected a value")
        if self.text[self.pos] == '"':
            value: Value = StringValue.of(self.quoted())
        else:
            end = self.pos
            while end < len(self.text) and not self.text[end].isspace() and self.text[end] not in _BARE_STOP:
                end += 1
            bare, self.pos = self.text[self.pos : end], end
            if not bare:
                raise self.error("expected a value")
            if bare.startswith("%"):
                raise self.error("regular expressions (%...%) are not supported", start)
            value = NumberValue(float(bare), bare) if NUMBER.fullmatch(bare) else StringValue.of(bare)
        if op not in ("=", "!=") and not isinstance(value, NumberValue):
            raise self.error(f"'{op}' compares numbers: expected a number", start)
        return value

    # --- space-delimited ----------------------------------------------------------------------

    def delimited(self) -> DelimitedPattern:
        self.expect("[", "'['")
        before: list[Slot] = []
        after: list[Slot] = []
        ellipsis_at: int | None = None
        while True:
            self.skip()
            start = self.pos
            if self.accept("..."):
                if ellipsis_at is not None:
                    raise self.error("only one '...' is supported in a space-delimited pattern", start)
                ellipsis_at = start
            else:
                (after if ellipsis_at is not None else before).append(self.slot())
            if self.accept("]"):
                break
            self.expect(",", "',' or ']'")
        return DelimitedPattern(tuple(before), ellipsis_at is not None, tuple(after))

    def slot(self) -> Slot:
        self.skip()
        if self.peek(",") or self.peek("]"):
            return Slot(None, ())
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise self.error("expected a field name")
        name = match.group()
        self.pos = match.end()
        if self.peek(",") or self.peek("]"):
            return Slot(name, ())
        alternatives: list[tuple[FieldCondition, ...]] = []
        current: list[FieldCondition] = [self.condition(name, start, named=True)]
        while True:
            if self.accept("&&"):
                current.append(self.condition(name, self.pos, named=False))
            elif self.accept("||"):
                alternatives.append(tuple(current))
                current = [self.condition(name, self.pos, named=False)]
            else:
                break
        alternatives.append(tuple(current))
        return Slot(name, tuple(alternatives))

    def condition(self, name: str, start: int, *, named: bool) -> FieldCondition:
        if not named:
            self.skip()
            start = self.pos
            match = _NAME.match(self.text, self.pos)
            if not match or match.group() != name:
                raise self.error(f"a condition in field {name!r} must name {name!r}", start)
            self.pos = match.end()
        op = self.operator()
        return FieldCondition(op, self.value(op))
