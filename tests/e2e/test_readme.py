"""The README quickstart, run as written (only the ports and the data folder differ)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from support.gateway import GatewrightProcess, start_gatewright, stop_gatewright
from support.net import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


def _blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    quickstart = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [(m[1], m[2]) for m in re.finditer(r"```(\w+)\n(.*?)```", quickstart, re.S)]


@pytest.fixture
def demo() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gatewright", "demo", "petstore", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def up() -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{port}/pets", timeout=1).ok
        except requests.ConnectionError:
            return False

    wait_until(up, what="demo petstore")
    yield port
    process.terminate()
    process.wait(10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[GatewrightProcess]:
    proc = start_gatewright(tmp_path / "data")
    yield proc
    stop_gatewright(proc)


def test_quickstart_runs_as_written(server: GatewrightProcess, demo: int, tmp_path: Path) -> None:
    port = server.url.rsplit(":", 1)[1]
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")

    def local(code: str) -> str:
        return code.replace("127.0.0.1:8080", f"127.0.0.1:{port}").replace("127.0.0.1:8081", f"127.0.0.1:{demo}")

    env = {**os.environ, "GATEWRIGHT_PORT": port, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    blocks = _blocks()
    assert [lang for lang, _ in blocks] == ["bash", "python", "bash", "bash", "bash"]
    assert "demo petstore" in blocks[0][1]

    python = subprocess.run(
        [sys.executable, "-c", local(blocks[1][1])],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert python.returncode == 0, python.stderr
    assert python.stdout.startswith("READY"), python.stdout

    script = "set -euo pipefail\n" + "\n".join(local(code) for _, code in blocks[2:])
    shell = subprocess.run(
        ["bash", "-c", script], check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )
    assert shell.returncode == 0, shell.stdout + shell.stderr
    out = shell.stdout
    assert '"name":"pets___GetPet"' in out
    assert '{"jsonrpc":"2.0","id":2,"result":{"isError":false' in out
    assert out.count('"tools":[') == 2, out
