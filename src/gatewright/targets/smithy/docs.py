"""Smithy ``@documentation`` (CommonMark with HTML, in AWS models mostly HTML) as plain text.

Tags are dropped and their text kept; paragraphs and list items start new lines (items with ``- ``);
entities are decoded; runs of spaces collapse. Long texts are cut at a sentence or word boundary with an
ellipsis, so descriptions stay readable and tools/list stays a reasonable size.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {"p", "div", "br", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "note", "important"}
)
_DROPPED = frozenset({"fullname", "script", "style"})
_SPACES = re.compile(r"[ \t\r\f\v]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self._dropping = 0

    def _newline(self) -> None:
        if self.lines[-1].strip() not in ("", "-"):  # a list item's "- " waits for its text
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag in _BLOCKS:
            self._newline()
            if tag == "li":
                self.lines[-1] = "- "

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.lines[-1] += data.replace("\n", " ")


def html_to_text(source: str) -> str:
    parser = _Text()
    parser.feed(source)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in parser.lines)
    return "\n".join(line for line in lines if line and line != "-")


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a sentence end or a space when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for mark in (". ", ".\n", "\n"):
        end = cut.rfind(mark)
        if end >= limit // 2:
            return cut[: end + 1].rstrip() + " …"
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut).rstrip() + "…"


def describe(source: object, limit: int) -> str | None:
    if not isinstance(source, str) or not source.strip():
        return None
    text = html_to_text(source) if "<" in source or "&" in source else _SPACES.sub(" ", source).strip()
    return shorten(text, limit) if text else None
