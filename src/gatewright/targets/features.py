"""The optional interface of targets that serve more than tools: prompts, resources and completions.

Only MCP server targets implement it (AgentCore: "only MCP-server targets contribute prompts/resources").
The runtime (``runtime/features.py``) merges what every such target serves into one gateway view:

* a DEFAULT target answers the lists from what it synchronised (``prompts()``, ``resources()``,
  ``resource_templates()``); a DYNAMIC one is asked on every list (``fetch``), and its ``list_tools()`` is
  empty: its tools come from ``fetch("tools")`` too;
* ``request`` forwards ``prompts/get``, ``resources/read`` and ``completion/complete`` with upstream names;
  a JSON-RPC error the upstream answered is raised as :class:`RemoteError` (relayed to the caller as is), any
  other failure as ``TargetError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from gatewright.targets.base import CallContext, ToolSpec

JSON = dict[str, Any]
LISTS = {
    "prompts": "prompts/list",
    "resources": "resources/list",
    "resourceTemplates": "resources/templates/list",
}


class RemoteError(Exception):
    """A JSON-RPC error the upstream answered (code, message, data), to relay to the caller."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


@runtime_checkable
class McpFeatures(Protocol):
    # DYNAMIC listing mode: every list asks the upstream.
    dynamic: bool
    # resourcePriority: the lowest number wins a resource URI several targets serve.
    resource_priority: int

    def prompts(self) -> Sequence[JSON]: ...

    def resources(self) -> Sequence[JSON]: ...

    def resource_templates(self) -> Sequence[JSON]: ...

    async def fetch_tools(self) -> list[ToolSpec]:
        """The upstream's tools now (DYNAMIC)."""
        ...

    async def fetch(self, what: str) -> list[JSON]:
        """The upstream's ``prompts``, ``resources`` or ``resourceTemplates`` now (DYNAMIC)."""
        ...

    async def request(self, method: str, params: JSON, ctx: CallContext) -> JSON: ...
