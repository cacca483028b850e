"""Real MCP servers on 127.0.0.1 for MCP server targets: the fixture server and npm server-everything.

* :func:`start_fixture_server`: ``support/everything_server.py`` (Python SDK mcp 2.3.0 ``MCPServer`` with
  the conformance fixtures), in a process of its own;
* :func:`start_server_everything`: ``@modelcontextprotocol/server-everything`` (TypeScript SDK 1.x,
  stateful, sessions required) on the Node 22 that ``scripts/setup-node`` installs under ``.tools/``.

Each is a :class:`McpServerProcess` that can be stopped and started again on the same port (the isolation
and recovery tests kill an upstream and bring it back).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from support.aws import signed_request
from support.gateway import GatewrightProcess, create_target
from support.mcp import BOTH
from support.net import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
FIXTURE_SERVER = Path(__file__).with_name("everything_server.py")
SERVER_EVERYTHING = REPO / ".tools" / "npm" / "node_modules" / "@modelcontextprotocol" / "server-everything"
SETUP_HINT = "run scripts/setup --node (installs Node 22 and the npm test packages under .tools/)"
CLIENT_INFO = {"name": "gatewright-tests", "version": "1"}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class McpServerProcess:
    command: list[str]
    port: int
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env}, cwd=REPO
            )
        process = self.process

        def up() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"{self.command[-3:]} exited early:\n{self.log()}")
            return _listening(self.port)

        wait_until(up, timeout=30, what=f"MCP server on port {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGCONT)  # a paused process must run to die
        self.process.kill()
        self.process.wait(10)
        self.process = None
        wait_until(lambda: not _listening(self.port), timeout=10, what=f"port {self.port} to close")

    def pause(self) -> None:
        """Freeze the process (SIGSTOP): connections are still accepted by the kernel, nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_fixture_server(workdir: Path, *options: str) -> McpServerProcess:
    """The fixture server; ``options``: ``--stateless``, ``--json``, ``--require-bearer``."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [sys.executable, "-P", str(FIXTURE_SERVER), "--port", str(port), *options]
    server = McpServerProcess(command, port, workdir / f"fixture-{port}.log")
    server.start()
    return server


def node() -> Path:
    found = sorted((REPO / ".tools").glob("node22/node_modules/node-linux-*/bin/node"))
    if not found:
        raise FileNotFoundError(f"Node 22 is not installed under .tools/: {SETUP_HINT}")
    return found[0]


def start_server_everything(workdir: Path) -> McpServerProcess:
    script = SERVER_EVERYTHING / "dist" / "index.js"
    if not script.is_file():
        raise FileNotFoundError(f"{script} is missing: {SETUP_HINT}")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [str(node()), str(script), "streamableHttp"]
    server = McpServerProcess(command, port, workdir / f"server-everything-{port}.log", env={"PORT": str(port)})
    server.start()
    return server


def set_options(server: GatewrightProcess, gateway_id: str, **options: bool) -> dict[str, Any]:
    """PUT /gatewright/gateways/{id}/options (SigV4 with the admin key pair); the options as stored."""
    url = f"{server.url}/gatewright/gateways/{gateway_id}/options"
    response = signed_request("PUT", url, json.dumps(options).encode(), server.credentials())
    assert response.status_code == 200, response.text
    stored: dict[str, Any] = response.json()
    return stored


def mcp_target(control: Any, gateway_id: str, name: str, endpoint: str, **config: Any) -> dict[str, Any]:
    """A READY (or FAILED) MCP server target."""
    extra = {k: config.pop(k) for k in ("credentialProviderConfigurations", "metadataConfiguration") if k in config}
    return create_target(control, gateway_id, name, {"mcpServer": {"endpoint": endpoint, **config}}, **extra)


def sse_messages(response: requests.Response) -> list[dict[str, Any]]:
    """The JSON-RPC messages of an answer: one JSON body, or every ``data:`` event of an SSE stream."""
    if not response.headers.get("content-type", "").startswith("text/event-stream"):
        return [response.json()]
    messages = []
    for block in response.text.split("\n\n"):
        data = [line[5:].lstrip() for line in block.splitlines() if line.startswith("data:")]
        if data:
            messages.append(json.loads("\n".join(data)))
    return messages


class RawSession:
    """A handshake-wire MCP client written with ``requests`` (initialize, then calls with the session id)."""

    def __init__(self, url: str, capabilities: dict[str, Any] | None = None) -> None:
        self.url = url
        self.ids = iter(range(1, 1_000_000))
        params = {"protocolVersion": "2025-11-25", "capabilities": capabilities or {}, "clientInfo": CLIENT_INFO}
        answer = self.post({"jsonrpc": "2.0", "id": next(self.ids), "method": "initialize", "params": params})
        assert answer.status_code == 200, answer.text
        self.session_id = answer.headers.get("mcp-session-id")
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def post(self, body: dict[str, Any], accept: str = BOTH, extra: dict[str, str] | None = None) -> requests.Response:
        headers = {"Content-Type": "application/json", "Accept": accept, "MCP-Protocol-Version": "2025-11-25"}
        headers.update(extra or {})
        if getattr(self, "session_id", None):
            headers["Mcp-Session-Id"] = str(self.session_id)
        return requests.post(self.url, data=json.dumps(body), headers=headers, timeout=60)

    def call(self, method: str, params: dict[str, Any] | None = None, accept: str = BOTH) -> list[dict[str, Any]]:
        """Every message of the answer (notifications first, the response last)."""
        response = self.post({"jsonrpc": "2.0", "id": next(self.ids), "method": method, "params": params or {}}, accept)
        assert response.status_code == 200, response.text
        return sse_messages(response)

    def result(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        last = self.call(method, params)[-1]
        assert "result" in last, last
        result: dict[str, Any] = last["result"]
        return result

    def tool(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.result("tools/call", {"name": name, "arguments": arguments or {}})
