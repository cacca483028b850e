"""A real ``gatewright serve`` process on a free port, and the clients a user would point at it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from support.net import free_port, wait_until

ROLE = "arn:aws:iam::123456789012:role/gatewright-tests"
_DONE = {"READY", "FAILED", "UPDATE_UNSUCCESSFUL", "SYNCHRONIZE_UNSUCCESSFUL"}


@dataclass
class GatewrightProcess:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def credentials(self) -> dict[str, str]:
        creds: dict[str, str] = json.loads((self.data_dir / "admin-credentials.json").read_text())
        return creds

    def control(self) -> Any:
        import boto3

        creds = self.credentials()
        return boto3.client(
            "bedrock-agentcore-control",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=creds["accessKeyId"],
            aws_secret_access_key=creds["secretAccessKey"],
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_gatewright(data_dir: Path, env: dict[str, str] | None = None, port: int | None = None) -> GatewrightProcess:
    """Start on ``port`` (a restart keeps its URLs) or a free one."""
    port = port or free_port()
    log_path = data_dir / "server.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, "GATEWRIGHT_CHANGE_POLL_SECONDS": "0.2", **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gatewright", "serve", "--port", str(port), "--data-dir", str(data_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
    server = GatewrightProcess(f"http://127.0.0.1:{port}", data_dir, process, log_path)

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"gatewright exited early:\n{server.log()}")
        try:
            return requests.get(f"{server.url}/readyz", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    wait_until(ready, timeout=30, what="gatewright /readyz")
    return server


def stop_gatewright(server: GatewrightProcess) -> None:
    server.process.terminate()
    try:
        server.process.wait(15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(5)


def wait_status(get: Any, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        item: dict[str, Any] = get()
        if item["status"] in _DONE:
            return item
        if time.monotonic() > deadline:
            raise TimeoutError(f"still {item['status']} after {timeout}s")
        time.sleep(0.02)


def create_gateway(control: Any, name: str, **extra: Any) -> dict[str, Any]:
    params = {"name": name, "roleArn": ROLE, "protocolType": "MCP", "authorizerType": "NONE", **extra}
    created = control.create_gateway(**params)
    return wait_status(lambda: control.get_gateway(gatewayIdentifier=created["gatewayId"]))


def create_target(
    control: Any, gateway_id: str, name: str, configuration: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    created = control.create_gateway_target(
        gatewayIdentifier=gateway_id, name=name, targetConfiguration={"mcp": configuration}, **extra
    )
    return wait_status(lambda: control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=created["targetId"]))


def openapi_target(control: Any, gateway_id: str, name: str, spec: dict[str, Any] | str) -> dict[str, Any]:
    payload = spec if isinstance(spec, str) else json.dumps(spec)
    return create_target(control, gateway_id, name, {"openApiSchema": {"inlinePayload": payload}})


def rpc(
    url: str, method: str, params: dict[str, Any] | None = None, *, id: Any = 1, headers: dict[str, str] | None = None
) -> requests.Response:
    """A bare JSON-RPC POST, as AgentCore users write it with requests."""
    body = {"jsonrpc": "2.0", "id": id, "method": method, "params": params or {}}
    return requests.post(url, json=body, headers=headers or {}, timeout=30)
