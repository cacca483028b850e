"""A real ``moto_server`` (AWS APIs: API Gateway, Lambda, S3, ...) on a free 127.0.0.1 port, as a subprocess.

Use the session fixture ``moto`` (tests/conftest.py) or ``start_moto_server``/``stop_moto_server`` directly.
``MotoServer.env()`` gives the standard AWS settings that point boto3 (ours or a gatewright subprocess) at it:
pass it to ``start_gatewright(data_dir, env=moto.env())``; ``MotoServer.client(service)`` gives a boto3 client.
Every test shares one server, so a test creates resources with unique names and never resets the server.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from support.net import free_port, wait_until

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account


@dataclass
class MotoServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def env(self) -> dict[str, str]:
        """Environment variables that make any AWS SDK in a child process talk to this server."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            # No profile of the machine running the tests may leak in.
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        }

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` on this server (test credentials, us-east-1)."""
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_moto_server(log_dir: Path) -> MotoServer:
    """Start ``python -m moto.server`` on 127.0.0.1 and wait (bounded) until it answers."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "moto.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = MotoServer(f"http://127.0.0.1:{port}", process, log_path)

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited early:\n{server.log()}")
        try:
            return requests.get(f"{server.url}/moto-api/data.json", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(ready, timeout=30, what="moto_server")
    except BaseException:
        stop_moto_server(server)
        raise
    return server


def stop_moto_server(server: MotoServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(5)
