"""A gateway's prompts, resources and completions, and the tools of its DYNAMIC targets.

Sources are the gateway's loaded targets that serve more than tools (``targets.features.McpFeatures``: MCP
server targets), in target order. As in AgentCore:

* prompt names are ``<target>___<prompt>`` (unprefixed on a one-target gateway with ``unprefixedNames``);
* resource URIs and URI templates are never rewritten: when several targets serve the same one, the
  lowest ``resourcePriority`` wins (ties: the earlier target);
* DEFAULT targets answer from what they synchronised; DYNAMIC targets are asked on every list, all at once,
  each for at most ``list_seconds``: one that fails or is slow is left out of that answer (and logged), the
  others are listed.

Routing: ``prompts/get`` by exposed name; ``resources/read`` by exact URI, then by template, then (a URI no
list names, such as a tool's resource link) by asking the targets in priority order until one knows it;
``completion/complete`` like the prompt or template it names. A JSON-RPC error from the upstream is relayed
as it is; an upstream that cannot be reached is -32603 (its reason only for DEBUG gateways).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from gatewright.catalog.catalog import SEPARATOR, Catalog, Entry, TargetTools, exposed_name
from gatewright.mcp.jsonrpc import INTERNAL_ERROR, INVALID_PARAMS, JsonRpcError
from gatewright.targets.base import CallContext, TargetError, ToolSpec
from gatewright.targets.features import RemoteError

log = logging.getLogger("gatewright.runtime")
JSON = dict[str, Any]
T = TypeVar("T")
LIST_SECONDS = 5.0
# Codes servers answer for a resource they do not have (-32002 before 2026-07-28, -32602 since).
_NOT_FOUND = (-32002, INVALID_PARAMS)
_EXPRESSION = re.compile(r"\{([+#./;?&]?)([^}]*)\}")
_OPERATOR = {
    "": r"[^/?#]*",
    "+": r"[^?#]*",
    "#": r"(?:#.*)?",
    ".": r"(?:\.[^/?#]*)*",
    "/": r"(?:/[^/?#]*)*",
    ";": r"(?:;[^/?#]*)*",
    "?": r"(?:\?[^#]*)?",
    "&": r"(?:&[^#]*)?",
}
ContextFor = Callable[[str, str], CallContext]


def _synced(source: Source, what: str) -> Sequence[JSON]:
    target = source.target
    lists: Sequence[JSON] = (
        target.prompts()
        if what == "prompts"
        else target.resources()
        if what == "resources"
        else target.resource_templates()
    )
    return lists


def template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression for the URIs an RFC 6570 URI template can expand to (values not checked)."""
    parts: list[str] = []
    end = 0
    for found in _EXPRESSION.finditer(template):
        parts.append(re.escape(template[end : found.start()]))
        parts.append(_OPERATOR[found[1]])
        end = found.end()
    parts.append(re.escape(template[end:]))
    return re.compile("".join(parts))


@dataclass(frozen=True)
class Source:
    target_id: str
    name: str
    target: Any  # a Target that is also an McpFeatures
    order: int

    @property
    def priority(self) -> tuple[int, int]:
        return int(self.target.resource_priority), self.order


class GatewayFeatures:
    def __init__(
        self,
        sources: Sequence[Source],
        groups: Sequence[TargetTools],
        *,
        prefix: bool,
        page_size: int | None,
        head: Sequence[bytes] = (),
        list_seconds: float = LIST_SECONDS,
    ) -> None:
        self.sources = sorted(sources, key=lambda s: s.order)
        self.dynamic = [s for s in self.sources if s.target.dynamic]
        self._groups = list(groups)
        self.prefix = prefix
        self._page_size = page_size
        self._head = list(head)
        self._seconds = list_seconds
        self._live_tools: Catalog | None = None
        self._prompts: dict[str, tuple[Source, str]] = {}
        # Synchronised resources by URI, and URI templates as patterns, each with the targets that serve them.
        self._uris: dict[str, list[Source]] = {}
        self._templates: list[tuple[str, re.Pattern[str], Source]] = []
        for source in self.sources:
            if source.target.dynamic:
                continue
            for prompt in source.target.prompts():
                self._prompts.setdefault(self._exposed(source, prompt["name"]), (source, prompt["name"]))
            for resource in source.target.resources():
                if isinstance(resource.get("uri"), str):
                    self._uris.setdefault(resource["uri"], []).append(source)
            for template in source.target.resource_templates():
                if isinstance(template.get("uriTemplate"), str):
                    uri_template = template["uriTemplate"]
                    self._templates.append((uri_template, template_pattern(uri_template), source))

    def _exposed(self, source: Source, name: str) -> str:
        return exposed_name(source.name, name) if self.prefix else name

    def _dynamic_owner(self, name: str) -> tuple[Source, str] | None:
        for source in self.dynamic:
            if not self.prefix:
                return source, name
            head = source.name + SEPARATOR
            if name.startswith(head):
                return source, name[len(head) :]
        return None

    # -- lists --------------------------------------------------------------------------------------
    async def _fetch(self, source: Source, work: Callable[[], Awaitable[T]]) -> T | None:
        try:
            return await asyncio.wait_for(work(), self._seconds)
        except (TargetError, TimeoutError) as exc:
            reason = exc.detail or exc.message if isinstance(exc, TargetError) else f"no answer in {self._seconds} s"
            log.warning("listing target %s (DYNAMIC) failed: %s", source.target_id, reason)
            return None

    async def _items(self, what: str) -> list[tuple[Source, JSON]]:
        """(source, item) of every target in order: synchronised lists, and DYNAMIC targets asked now."""
        live = await asyncio.gather(*(self._fetch(s, partial(s.target.fetch, what)) for s in self.dynamic))
        fetched: dict[str, list[JSON]] = {s.target_id: items or [] for s, items in zip(self.dynamic, live, strict=True)}
        out: list[tuple[Source, JSON]] = []
        for source in self.sources:
            items = fetched[source.target_id] if source.target.dynamic else _synced(source, what)
            out.extend((source, item) for item in items if isinstance(item, dict))
        return out

    async def list_prompts(self) -> JSON:
        items = await self._items("prompts")
        return {"prompts": [{**p, "name": self._exposed(s, p["name"])} for s, p in items if "name" in p]}

    async def _winners(self, what: str, key: str) -> list[JSON]:
        items = [(s, item) for s, item in await self._items(what) if isinstance(item.get(key), str)]
        best: dict[str, tuple[tuple[int, int], int]] = {}
        for index, (source, item) in enumerate(items):
            current = best.get(item[key])
            if current is None or source.priority < current[0]:
                best[item[key]] = (source.priority, index)
        winners = sorted(index for _, index in best.values())
        return [items[i][1] for i in winners]

    async def list_resources(self) -> JSON:
        return {"resources": await self._winners("resources", "uri")}

    async def list_resource_templates(self) -> JSON:
        return {"resourceTemplates": await self._winners("resourceTemplates", "uriTemplate")}

    async def tools_page(self, cursor: Any) -> tuple[bytes, str | None]:
        """tools/list when DYNAMIC targets take part: their tools now, merged with everyone else's."""
        live = await asyncio.gather(*(self._fetch(s, s.target.fetch_tools) for s in self.dynamic))
        fetched = {s.target_id: tools or [] for s, tools in zip(self.dynamic, live, strict=True)}
        groups = [
            TargetTools(g.target_id, g.name, g.target, fetched[g.target_id]) if g.target_id in fetched else g
            for g in self._groups
        ]
        catalog = Catalog(groups, page_size=self._page_size, prefix=self.prefix, head=self._head)
        self._live_tools = catalog
        return catalog.page(cursor)

    def tool_entry(self, name: str) -> Entry | None:
        """A DYNAMIC target's tool: as last listed (its schema validates the call), or routed by its prefix."""
        if self._live_tools is not None:
            entry = self._live_tools.lookup(name)
            if entry is not None:
                return entry
        owner = self._dynamic_owner(name)
        if owner is None:
            return None
        source, raw = owner
        return Entry(name, source.target_id, source.name, source.target, ToolSpec(raw, "", {"type": "object"}), b"")

    # -- requests -----------------------------------------------------------------------------------
    async def _ask(self, source: Source, method: str, params: JSON, ctx_for: ContextFor, name: str) -> JSON:
        ctx = ctx_for(source.target_id, name)
        try:
            result: JSON = await source.target.request(method, params, ctx)
        except RemoteError as exc:
            raise JsonRpcError(exc.code, exc.message, data=exc.data) from None
        except TargetError as exc:
            message = f"{exc.message} {exc.detail}" if ctx.debug and exc.detail else exc.message
            raise JsonRpcError(INTERNAL_ERROR, message) from None
        return result

    def _prompt(self, name: str) -> tuple[Source, str]:
        found = self._prompts.get(name) or self._dynamic_owner(name)
        if found is None:
            raise JsonRpcError(INVALID_PARAMS, f"Unknown prompt: {name}")
        return found

    async def get_prompt(self, name: str, arguments: JSON, ctx_for: ContextFor) -> JSON:
        source, raw = self._prompt(name)
        return await self._ask(source, "prompts/get", {"name": raw, "arguments": arguments}, ctx_for, name)

    def _owners(self, uri: str) -> list[Source]:
        """Who serves ``uri`` by the synchronised lists (exact URI, then templates), best first."""
        exact = self._uris.get(uri)
        if exact:
            return sorted(exact, key=lambda s: s.priority)
        templated = {s.target_id: s for t, pattern, s in self._templates if t == uri or pattern.fullmatch(uri)}
        return sorted(templated.values(), key=lambda s: s.priority)

    async def _by_uri(self, uri: str, method: str, params: JSON, ctx_for: ContextFor) -> JSON:
        owners = self._owners(uri)
        candidates = owners or sorted(self.sources, key=lambda s: s.priority)
        if not candidates:
            raise JsonRpcError(INVALID_PARAMS, f"Unknown resource: {uri}", data={"uri": uri})
        for source in candidates[:-1]:
            try:
                return await self._ask(source, method, params, ctx_for, uri)
            except JsonRpcError as exc:
                if owners or exc.code not in _NOT_FOUND:
                    raise
        return await self._ask(candidates[-1], method, params, ctx_for, uri)

    async def read_resource(self, uri: str, ctx_for: ContextFor) -> JSON:
        return await self._by_uri(uri, "resources/read", {"uri": uri}, ctx_for)

    async def complete(self, params: JSON, ctx_for: ContextFor) -> JSON:
        ref = params["ref"]
        if ref["type"] == "ref/prompt":
            name = str(ref.get("name", ""))
            source, raw = self._prompt(name)
            forwarded = {**params, "ref": {**ref, "name": raw}}
            return await self._ask(source, "completion/complete", forwarded, ctx_for, name)
        return await self._by_uri(str(ref.get("uri", "")), "completion/complete", params, ctx_for)
