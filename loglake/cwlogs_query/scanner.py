"""What both hand-written parsers share: a position in the text, blanks skipped, tokens accepted."""

from __future__ import annotations

from loglake.cwlogs_query.errors import QuerySyntaxError


class Scanner:
    """`text` is what is scanned; `original` (the text as the user wrote it) is what errors show."""

    def __init__(self, text: str, original: str | None = None) -> None:
        self.text = text
        self.original = text if original is None else original
        self.pos = 0

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

    def at_end(self) -> bool:
        self.skip()
        return self.pos >= len(self.text)
