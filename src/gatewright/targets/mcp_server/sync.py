"""Reading an MCP server's lists: tools, prompts, resources and resource templates, every page.

:func:`synchronize` is the kind's ``build`` for a server without ``mcpToolSchema``: what AgentCore's implicit
sync does on create and update, and SynchronizeGatewayTargets later (``initialize``, ``tools/list``,
``prompts/list``, ``resources/list``, ``resources/templates/list``). Every failure becomes a BuildError whose
reasons say what to fix; the session used is closed afterwards.
"""

from __future__ import annotations

from typing import Any

from gatewright.auth.outbound.base import AuthUnavailable
from gatewright.targets.base import Artifact, BuildError, TargetConfig, TargetEnv
from gatewright.targets.features import LISTS
from gatewright.targets.mcp_server.config import tool_specs
from gatewright.targets.mcp_server.pool import new_client
from gatewright.upstream.http import UpstreamError
from gatewright.upstream.mcp_client import BadAnswer, McpClient, McpError, Unreachable

JSON = dict[str, Any]
MAX_PAGES = 100


async def list_all(client: McpClient, method: str, key: str, limit: int) -> list[JSON]:
    """Every item of a paginated list (at most ``limit`` + 1, so a caller can tell it was cut)."""
    items: list[JSON] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        result = await client.request(method, {"cursor": cursor} if cursor else {})
        page = result.get(key)
        if not isinstance(page, list):
            raise UpstreamError(f"The MCP server answered {method} without a {key} list.")
        items.extend(item for item in page if isinstance(item, dict))
        cursor = result.get("nextCursor")
        if not isinstance(cursor, str) or not cursor or len(items) > limit:
            return items
    raise UpstreamError(f"The MCP server's {method} did not end after {MAX_PAGES} pages.")


async def read_lists(client: McpClient, limit: int, capabilities: JSON) -> JSON:
    """prompts, resources and resourceTemplates, for the capabilities the server declared."""
    lists: JSON = {}
    for key, method in LISTS.items():
        wanted = "prompts" if key == "prompts" else "resources"
        lists[key] = await list_all(client, method, key, limit) if wanted in capabilities else []
    return lists


async def synchronize(target: TargetConfig, env: TargetEnv, capabilities: frozenset[str]) -> Artifact:
    endpoint = target.config["endpoint"]
    limit = env.settings.max_tools_per_target
    client = new_client(target, env, capabilities=capabilities, modern=not capabilities)
    step = "initialize"
    try:
        conn = await client.connect()
        if "tools" not in conn.capabilities:
            raise BuildError([f"the MCP server at {endpoint} does not declare the tools capability"])
        step = "tools/list"
        tools, notes = tool_specs(await list_all(client, "tools/list", "tools", limit), limit)
        step = "prompts/list, resources/list"
        lists = await read_lists(client, limit, conn.capabilities)
    except Unreachable as exc:
        raise BuildError([f"cannot connect to the MCP server at {endpoint}: {_why(exc)}"]) from None
    except AuthUnavailable as exc:
        reason = f"cannot get the target's outbound credentials: {exc.message} {exc.detail or ''}".strip()
        raise BuildError([reason]) from None
    except McpError as exc:
        raise BuildError([f"the MCP server answered {step} with error {exc.code}: {exc.message}"]) from None
    except BadAnswer as exc:
        if exc.status in (401, 403):
            reason = f"the MCP server at {endpoint} refused the gateway's credentials (HTTP {exc.status}): check the "
            raise BuildError([reason + "target's credentialProviderConfigurations"]) from None
        raise BuildError([f"{step} failed at {endpoint} (is it an MCP server?): {_why(exc)}"]) from None
    except UpstreamError as exc:
        raise BuildError([f"{step} failed at {endpoint}: {_why(exc)}"]) from None
    finally:
        await client.aclose()
    data = {**lists, "capabilities": conn.capabilities, "serverInfo": conn.server_info, "protocolVersion": conn.version}
    return Artifact(tools=tools, data=data, notes=notes)


def _why(exc: UpstreamError) -> str:
    return f"{exc.message} ({exc.detail})" if exc.detail else exc.message
