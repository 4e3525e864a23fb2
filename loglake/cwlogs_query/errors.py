"""The one error the parsers and translators raise: a message, the text and the position of the problem."""

from __future__ import annotations


class QuerySyntaxError(ValueError):
    """A malformed or unsupported filter pattern or Insights query.

    `position` is the 0-based offset in `text`; the message shows it 1-based with a caret under it.
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        self.reason = message
        self.text = text
        self.position = max(0, min(position, len(text)))
        super().__init__(self._render())

    def _render(self) -> str:
        line_start = self.text.rfind("\n", 0, self.position) + 1
        line_end = self.text.find("\n", self.position)
        line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
        caret = " " * (self.position - line_start) + "^"
        return f"{self.reason} (at position {self.position + 1})\n  {line}\n  {caret}"
