"""The one interface every upstream kind implements.

A target kind has two phases:

* **build** (control-plane time, may be slow, may use the network): read the target's configuration,
  fetch what it needs (an OpenAPI document from S3, a REST API's resources, an MCP server's tool list),
  and produce an :class:`Artifact`: the tools plus whatever the kind needs to call them, as JSON. The
  artifact is stored, so restarts and other processes load it without building again.
* **load** (every process, fast): turn configuration + artifact into a live :class:`Target`.

A live target lists its tools and calls them. Semantics every kind keeps (``tests/contract`` checks them):

* ``call_tool`` is given arguments that already passed the tool's ``inputSchema``;
* a failure of the upstream (refused connection, timeout, HTTP 5xx, function error) is a
  :class:`ToolResult` with ``is_error=True`` or a raised :class:`TargetError`, never another exception:
  each kind translates its library's exceptions (aiohttp, botocore, ...) itself;
* ``TargetError.detail`` may hold upstream details; the catalog shows them only to DEBUG gateways;
* ``aclose`` releases the kind's own resources (shared HTTP pools belong to the runtime, not the target).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from gatewright.settings import Settings
from gatewright.upstream.http import HttpClient

JSON = dict[str, Any]


@dataclass(frozen=True)
class ToolSpec:
    """A tool as its target names it (without the ``target___`` prefix)."""

    name: str
    description: str
    input_schema: JSON
    output_schema: JSON | None = None
    annotations: JSON | None = None
    title: str | None = None
    # Other members of an MCP Tool, passed through as they are (icons, execution, _meta of MCP server targets).
    extra: JSON | None = None

    def to_mcp(self, name: str) -> JSON:
        tool: JSON = {**self.extra} if self.extra else {}
        tool.update(name=name, description=self.description, inputSchema=self.input_schema)
        if self.title:
            tool["title"] = self.title
        if self.output_schema is not None:
            tool["outputSchema"] = self.output_schema
        if self.annotations:
            tool["annotations"] = self.annotations
        return tool


@dataclass
class ToolResult:
    content: list[JSON]
    structured: Any = None
    is_error: bool = False
    meta: JSON | None = None
    # Upstream response headers; the runtime returns those the target's metadataConfiguration allows.
    headers: Mapping[str, str] | None = None

    @classmethod
    def text(cls, text: str, *, is_error: bool = False) -> ToolResult:
        return cls([{"type": "text", "text": text}], is_error=is_error)

    def to_mcp(self) -> JSON:
        result: JSON = {"isError": self.is_error, "content": self.content}
        if self.structured is not None:
            result["structuredContent"] = self.structured
        if self.meta:
            result["_meta"] = self.meta
        return result


class TargetError(Exception):
    """A call that failed. ``message`` is safe for any caller; ``detail`` only for DEBUG gateways."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class BuildError(Exception):
    """A target that cannot be built; ``reasons`` become its ``statusReasons``."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


@dataclass
class Artifact:
    """What ``build`` produced: tools, the kind's private call data, and human-readable notes."""

    tools: list[ToolSpec]
    data: JSON = field(default_factory=dict)
    # Short lines for statusReasons (skipped operations, renames, ...)
    notes: list[str] = field(default_factory=list)
    # The full import report, when the kind has one (OpenAPI).
    report: JSON | None = None


def artifact_to_json(artifact: Artifact) -> JSON:
    return {
        "tools": [
            {
                k: v
                for k, v in (
                    ("name", t.name),
                    ("description", t.description),
                    ("inputSchema", t.input_schema),
                    ("outputSchema", t.output_schema),
                    ("annotations", t.annotations),
                    ("title", t.title),
                    ("extra", t.extra),
                )
                if v is not None
            }
            for t in artifact.tools
        ],
        "data": artifact.data,
        "notes": artifact.notes,
    }


def artifact_from_json(obj: JSON) -> Artifact:
    tools = [
        ToolSpec(
            name=t["name"],
            description=t["description"],
            input_schema=t["inputSchema"],
            output_schema=t.get("outputSchema"),
            annotations=t.get("annotations"),
            title=t.get("title"),
            extra=t.get("extra"),
        )
        for t in obj["tools"]
    ]
    return Artifact(tools=tools, data=obj.get("data", {}), notes=obj.get("notes", []))


@dataclass
class TargetEnv:
    """What a target kind may use, at build time and at call time. Owned by the runtime."""

    settings: Settings
    http: HttpClient
    # Outbound credentials (auth/outbound/resolver.py: CredentialResolver); None means no outbound auth.
    credentials: Any = None


@dataclass(frozen=True)
class CallContext:
    """What a call knows about its request. Targets must not depend on anything else."""

    gateway_id: str
    target_id: str
    # The prefixed tool name, as the caller used it.
    tool_name: str
    request_id: str
    jsonrpc_id: Any
    debug: bool = False
    # Headers and query parameters of the caller's request, already filtered by metadataConfiguration.
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    # The caller's validated bearer token, present only when the target asked for passthrough.
    caller_token: str | None = None
    # The caller's progress token (params._meta.progressToken), when it asked for progress notifications.
    progress_token: Any = None
    # The caller's log level (logging/setLevel on its session, or the 2026-07-28 request's logLevel).
    log_level: str | None = None
    # Sends a notification to the caller during the call (progress, log messages); None when it cannot get any.
    notify: Callable[[str, JSON], Awaitable[None]] | None = None
    # Sends a request to the caller during the call (sampling, elicitation) and returns its result; None when
    # the caller cannot answer one (no session, no stream, or it did not declare the capability).
    ask: Callable[[str, JSON], Awaitable[JSON]] | None = None
    # The client capabilities the caller declared that a target may use through ``ask`` (sampling, elicitation).
    client_capabilities: frozenset[str] = frozenset()


class Target(Protocol):
    def list_tools(self) -> Sequence[ToolSpec]: ...

    async def call_tool(self, name: str, arguments: JSON, ctx: CallContext) -> ToolResult: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class TargetConfig:
    """The parts of a target record a kind sees."""

    target_id: str
    name: str
    gateway_id: str
    # The kind's own member of targetConfiguration.mcp, e.g. the openApiSchema object.
    config: JSON
    credential_providers: list[JSON]
    metadata: JSON | None = None


class TargetKind(Protocol):
    """One per upstream kind; registered in ``targets/registry.py``."""

    # The member name in ``targetConfiguration.mcp`` (openApiSchema, apiGateway, lambda, ...)
    config_key: str
    # TargetSummary.targetType (OPEN_API_SCHEMA, API_GATEWAY, ...)
    target_type: str
    # credentialProviderType values this kind accepts; "NONE" when it may have no outbound auth.
    credential_types: frozenset[str]

    def validate(self, target: TargetConfig) -> None:
        """Synchronous checks at request time; raise errors.ValidationError."""
        ...

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        """Fetch and compile; raise BuildError with reasons on failure."""
        ...

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> Target: ...


class PrecheckingKind(TargetKind, Protocol):
    """A kind that also checks a target against its upstream while Create/UpdateGatewayTarget is answered.

    Optional (``TargetKinds.precheck`` looks for the method): for problems AgentCore reports synchronously
    that need the upstream's content (API Gateway: a method without a name). Raise errors.ValidationError.
    It runs on the request path: keep it bounded, and put blocking calls in a thread. It gets the process
    settings only (no HTTP pool, no outbound credentials). Problems found later are ``build``'s BuildError.
    """

    async def precheck(self, target: TargetConfig, settings: Settings) -> None: ...
