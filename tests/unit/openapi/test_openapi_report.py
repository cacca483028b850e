"""The import report: summarised in statusReasons, in full from the control plane (SigV4-signed extension
route) and the CLI, and ``gatewright openapi check`` offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from support.gateway import GatewrightProcess, create_gateway, openapi_target

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "r", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/a": {"get": {"operationId": "plain", "responses": {}}},
        "/b": {"get": {"operationId": "odd id/with spaces", "responses": {}}},
        "/c/{id}": {"get": {"operationId": "undeclared", "responses": {}}},
    },
}


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gatewright", *args],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
        check=False,
    )


def test_report_from_status_reasons_control_plane_and_cli(gatewright: GatewrightProcess, control: Any) -> None:
    gateway = create_gateway(control, "report-gw")
    target = openapi_target(control, gateway["gatewayId"], "rep", SPEC)
    assert target["status"] == "READY"
    assert target["statusReasons"][0].startswith("Imported 3 of 3 operations from openapi 3.0.3")

    args = [
        gateway["gatewayId"],
        target["targetId"],
        "--endpoint-url",
        gatewright.url,
        "--data-dir",
        str(gatewright.data_dir),
    ]
    shown = _cli("target", "report", *args, "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)["report"]
    assert [(e["operation"], e["status"]) for e in report["operations"]] == [
        ("GET /a", "exposed"),
        ("GET /b", "renamed"),
        ("GET /c/{id}", "degraded"),
    ]
    assert report["operations"][1]["tool"] == "odd_id_with_spaces"

    filtered = _cli("target", "report", *args, "--status", "degraded")
    assert filtered.returncode == 0, filtered.stderr
    assert "GET /c/{id}" in filtered.stdout
    assert "GET /a" not in filtered.stdout

    missing = _cli("target", "report", gateway["gatewayId"], "NOSUCHTGT1", *args[2:])
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr


def test_report_route_requires_a_signature(gatewright: GatewrightProcess) -> None:
    reply = requests.get(f"{gatewright.url}/gateways/g-1234567890/targets/ABCDEFGHIJ/importReport", timeout=10)
    assert reply.status_code == 403


def test_openapi_check_prints_the_report_offline(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(json.dumps(SPEC))
    checked = _cli("openapi", "check", str(spec))
    assert checked.returncode == 0, checked.stderr
    lines = checked.stdout.splitlines()
    assert lines[0] == "Imported 3 of 3 operations from openapi 3.0.3 (1 degraded, 1 exposed, 1 renamed)"
    assert any(line.startswith("degraded  GET /c/{id}") for line in lines)
    as_json = json.loads(_cli("openapi", "check", "-", "--json", stdin=json.dumps(SPEC)).stdout)
    assert as_json["counts"] == {"degraded": 1, "exposed": 1, "renamed": 1}
    empty = _cli("openapi", "check", "-", stdin='{"openapi": "3.1.0", "info": {}}')
    assert empty.returncode == 1
    assert "no operation" in empty.stderr
