"""The process: health checks, and a clean stop on SIGTERM."""

from __future__ import annotations

import signal
from pathlib import Path

import requests

from support.gateway import start_gatewright


def test_health_then_graceful_stop(tmp_path: Path) -> None:
    server = start_gatewright(tmp_path / "data")
    assert requests.get(f"{server.url}/healthz", timeout=5).text == "ok"
    assert requests.get(f"{server.url}/readyz", timeout=5).status_code == 200
    server.process.send_signal(signal.SIGTERM)
    # uvicorn shuts down (lifespan, open requests), then re-raises the signal it caught: exit status -15.
    assert server.process.wait(20) in (0, -signal.SIGTERM)
    log = server.log()
    assert "Application shutdown complete" in log
    assert "Traceback" not in log
