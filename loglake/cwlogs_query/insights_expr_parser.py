"""Logs Insights expressions, by recursive descent: the lower half of `insights_parser`'s grammar.

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
"""

from __future__ import annotations

import re

from loglake.cwlogs_query.insights_ast import Binary, Call, Expr, Field, In, Like, Literal, Period, Regex, Unary
from loglake.cwlogs_query.scanner import Scanner

NAME = re.compile(r"[A-Za-z_@][A-Za-z0-9_@.]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_PERIOD = re.compile(r"([0-9]+)(ms|s|m|h|d)(?![A-Za-z0-9_])")
_PERIOD_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_KEYWORDS = frozenset({"and", "or", "not", "like", "in", "as", "by", "asc", "desc"})
_COMPARISONS = ("!=", "<=", ">=", "=", "<", ">")


class ExpressionParser(Scanner):
    def expect(self, token: str) -> None:
        if not self.accept(token):
            found = self.text[self.pos : self.pos + 12].strip() or "the end of the query"
            raise self.error(f"expected {token!r} but found {found!r}")

    def word(self) -> str | None:
        """The name at the current position, lower case, without consuming it."""
        self.skip()
        match = NAME.match(self.text, self.pos)
        return match.group().lower() if match else None

    def keyword(self, *words: str) -> str | None:
        word = self.word()
        if word in words:
            self.pos += len(word)
            return word
        return None

    def slice(self, start: int) -> str:
        return self.text[start : self.pos].strip()

    def name(self) -> str:
        self.skip()
        if self.text.startswith("`", self.pos):
            return self.backticked()
        match = NAME.match(self.text, self.pos)
        if not match:
            raise self.error("expected a name")
        self.pos = match.end()
        return match.group()

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
        match = NAME.match(self.text, self.pos)
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
