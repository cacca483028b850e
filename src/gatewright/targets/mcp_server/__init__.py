"""MCP server targets (``targetConfiguration.mcp.mcpServer``): a remote MCP server's tools, prompts and resources.

Build (create, update, SynchronizeGatewayTargets) connects to the server and stores what it lists
(``sync.py``), or takes the static ``mcpToolSchema`` without contacting it. The live target
(``target.py``) answers from that copy in DEFAULT listing mode, asks the server on every list in DYNAMIC
mode, and forwards calls over upstream sessions shared by the callers (``pool.py``). docs/mcp-servers.md.
"""

from __future__ import annotations

from gatewright.targets.base import Artifact, BuildError, TargetConfig, TargetEnv
from gatewright.targets.mcp_server.config import static_tools, tool_specs, validate
from gatewright.targets.mcp_server.sync import synchronize
from gatewright.targets.mcp_server.target import McpServerTarget
from gatewright.targets.sources import read_source

# Client capabilities declared upstream when the gateway lists a server's tools, so a server that shows some
# tools only to capable clients (server-everything's sampling and elicitation tools) shows those the gateway
# can relay to its callers (handshake wire with sessions). Roots are not relayed, so not declared.
LISTING_CAPABILITIES: frozenset[str] = frozenset({"sampling", "elicitation"})


class McpServerKind:
    config_key = "mcpServer"
    target_type = "MCP_SERVER"
    # AgentCore's table (no auth, IAM role, OAuth, API key); OAuth is client credentials here.
    credential_types = frozenset({"NONE", "GATEWAY_IAM_ROLE", "OAUTH", "API_KEY"})

    def validate(self, target: TargetConfig) -> None:
        validate(target.config)

    def synchronize_refusal(self, target: TargetConfig) -> str | None:
        """Why SynchronizeGatewayTargets cannot run for this target (AgentCore refuses static tool lists)."""
        if target.config.get("mcpToolSchema") is not None:
            return "The target has an mcpToolSchema (a static tool list): there is nothing to synchronize"
        return None

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        schema = target.config.get("mcpToolSchema")
        if schema is None:
            return await synchronize(target, env, LISTING_CAPABILITIES)
        raw = await read_source(schema, limit=env.settings.max_spec_bytes, what="mcpToolSchema")
        limit = env.settings.max_tools_per_target
        tools, notes = tool_specs(static_tools(raw), limit)
        if not tools:
            raise BuildError(["mcpToolSchema lists no tool the gateway can serve", *notes])
        return Artifact(tools=tools, data={"static": True}, notes=notes)

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> McpServerTarget:
        return McpServerTarget(target, artifact, env, LISTING_CAPABILITIES)
