"""The tools a gateway's callers see, compiled once per configuration change.

A :class:`Catalog` maps each exposed name (``<target>___<tool>``) to its target and tool, keeps every
tool's ``tools/list`` JSON pre-serialised, and cuts pages lazily (cached). Argument validators are
compiled on a tool's first call, so a 20,000-tool catalog is ready in the time it takes to serialise it.

Pages are cut at ``page_size`` tools; the cursor is opaque (base64 of the offset and the catalog's
fingerprint), and a cursor from an older catalog is refused, so a client never silently skips or
repeats tools across a configuration change.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from gatewright.catalog.validation import Validator, compile_validator
from gatewright.targets.base import Target, ToolSpec

if TYPE_CHECKING:
    from gatewright.catalog.search.tool import ToolSearch

SEPARATOR = "___"


def _compact(data: bytes) -> bytes:
    """A copy without orjson's spare buffer room (it keeps ~4 KiB per result: 44 MiB for 11,000 tools)."""
    return bytes(memoryview(data))


class InvalidCursor(Exception):
    pass


def exposed_name(target_name: str, tool_name: str) -> str:
    return f"{target_name}{SEPARATOR}{tool_name}"


@dataclass
class Entry:
    name: str
    target_id: str
    target_name: str
    target: Target
    tool: ToolSpec
    json: bytes
    _validator: Validator | None = field(default=None, repr=False)

    @property
    def validator(self) -> Validator:
        if self._validator is None:
            self._validator = compile_validator(self.tool.input_schema)
        return self._validator


@dataclass(frozen=True)
class TargetTools:
    target_id: str
    name: str
    target: Target
    tools: list[ToolSpec]


class Catalog:
    def __init__(
        self, targets: list[TargetTools], *, page_size: int | None, prefix: bool = True, head: Sequence[bytes] = ()
    ) -> None:
        entries: list[Entry] = []
        by_name: dict[str, Entry] = {}
        for group in targets:
            for tool in group.tools:
                name = exposed_name(group.name, tool.name) if prefix else tool.name
                if name in by_name:
                    continue  # names are unique per target; an unprefixed clash keeps the first
                entry = Entry(
                    name, group.target_id, group.name, group.target, tool, _compact(orjson.dumps(tool.to_mcp(name)))
                )
                entries.append(entry)
                by_name[name] = entry
        self.entries = entries
        self._by_name = by_name
        # Built-in tools (the search tool of SEMANTIC gateways) are listed first, then the targets' tools.
        self._listed = [*head, *(e.json for e in entries)]
        # The built-in search (catalog/search), when the gateway has searchType SEMANTIC.
        self.search: ToolSearch | None = None
        self._page_size = page_size if page_size and page_size > 0 else None
        digest = hashlib.sha256()
        for listed in self._listed:
            digest.update(listed)
        self.fingerprint = digest.hexdigest()[:12]
        self._pages: dict[int, tuple[bytes, str | None]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, name: str) -> Entry | None:
        return self._by_name.get(name)

    def _cursor(self, offset: int) -> str:
        return base64.urlsafe_b64encode(f"{self.fingerprint}:{offset}".encode()).decode()

    def _offset(self, cursor: str) -> int:
        try:
            fingerprint, offset = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
            value = int(offset)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise InvalidCursor("Invalid cursor") from None
        if fingerprint != self.fingerprint:
            raise InvalidCursor("The cursor is from an older tool list; list again from the start")
        if not 0 <= value < len(self._listed):
            raise InvalidCursor("Invalid cursor")
        return value

    def page(self, cursor: Any) -> tuple[bytes, str | None]:
        """The JSON array of one page of tools and the next cursor (None on the last page)."""
        if cursor is not None and not isinstance(cursor, str):
            raise InvalidCursor("Invalid cursor")
        offset = self._offset(cursor) if cursor else 0
        cached = self._pages.get(offset)
        if cached is not None:
            return cached
        end = len(self._listed) if self._page_size is None else offset + self._page_size
        body = b"[" + b",".join(self._listed[offset:end]) + b"]"
        next_cursor = self._cursor(end) if end < len(self._listed) else None
        self._pages[offset] = (body, next_cursor)
        return body, next_cursor
