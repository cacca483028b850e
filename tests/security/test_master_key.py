"""Master-key rotation: ``gatewright admin rotate-master-key`` re-encrypts every stored secret with a new key while
gatewright runs, and everything keeps working: outbound API keys and OAuth client secrets, IAM key pairs, the
issuer's signing key. After the old key is dropped and the process restarted, it still works (nothing was left
encrypted with the old key). The same with keys given in GATEWRIGHT_MASTER_KEY instead of the key file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.fernet import Fernet, InvalidToken

from support.gateway import GatewrightProcess, create_gateway, start_gatewright, stop_gatewright
from support.identity import (
    PROTECTED_API_KEY,
    api_key_auth,
    api_key_provider,
    bearer,
    builtin_token,
    call_tool,
    create_client,
    create_iam_key,
    jwt_gateway,
    name,
    oauth_auth,
    oauth_provider,
    sigv4_headers,
    spec_target,
    tool_json,
)
from support.oidc_provider import OidcProvider
from support.protected_upstream import ProtectedUpstream, openapi_document
from support.upstream import Upstream

SECRET_KINDS = ("apikey_provider", "oauth2_provider", "iam_key", "signing_key")
ENCRYPTED_FIELDS = ("apiKey", "clientSecret", "secret", "private")


@dataclass
class Estate:
    """Everything that needs a secret to work, on one process; ``check()`` uses all of it."""

    server: GatewrightProcess
    gateway: dict[str, Any]
    iam_gateway: dict[str, Any]
    tools: list[str]
    client: Any
    iam_key: dict[str, str]

    def check(self) -> None:
        token = builtin_token(self.client)
        for tool in self.tools:
            answer = tool_json(call_tool(self.gateway["gatewayUrl"], tool, {}, bearer(token)))
            assert answer.get("ok") is True or answer.get("client_id") == "upstream-caller", answer
        url = self.iam_gateway["gatewayUrl"]
        body = b'{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}'
        headers = sigv4_headers("POST", url, body, self.iam_key["accessKeyId"], self.iam_key["secretAccessKey"])
        assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200


def _estate(server: GatewrightProcess, upstream: Upstream, oidc: OidcProvider, protected: ProtectedUpstream) -> Estate:
    control = server.control()
    client = create_client(server, ["gateway/read"])
    gateway = jwt_gateway(control, upstream.url, client.discovery_url, allowedClients=[client.client_id])
    spec = openapi_document(protected.url)
    key = spec_target(
        control,
        gateway["gatewayId"],
        spec,
        credentialProviderConfigurations=api_key_auth(api_key_provider(control, PROTECTED_API_KEY)),
    )
    caller = oauth_provider(control, "upstream-caller", oidc.secret("upstream-caller"), discoveryUrl=oidc.discovery_url)
    oauth = spec_target(
        control, gateway["gatewayId"], spec, credentialProviderConfigurations=oauth_auth(caller, ["upstream/invoke"])
    )
    iam_gateway = create_gateway(control, name("iam"), authorizerType="AWS_IAM")
    estate = Estate(
        server,
        gateway,
        iam_gateway,
        [f"{key['name']}___ping", f"{oauth['name']}___whoami"],
        client,
        create_iam_key(server),
    )
    estate.check()
    return estate


def _ciphertexts(data_dir: Path) -> dict[tuple[str, str], str]:
    with sqlite3.connect(data_dir / "gatewright.db") as db:
        rows = db.execute(
            f"SELECT kind, id, doc FROM records WHERE kind IN ({','.join('?' * len(SECRET_KINDS))})",
            SECRET_KINDS,
        ).fetchall()
    found = {}
    for kind, record_id, doc in rows:
        for field in ENCRYPTED_FIELDS:
            value = json.loads(doc).get(field)
            if value:
                found[(kind, record_id)] = value
    return found


def _readable_with(key: bytes, ciphertext: str) -> bool:
    try:
        Fernet(key).decrypt(ciphertext.removeprefix("enc:v1:").encode())
    except InvalidToken:
        return False
    return True


def _rotate(server: GatewrightProcess, env: dict[str, str] | None = None) -> str:
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "gatewright", "admin", "rotate-master-key", "--data-dir", str(server.data_dir)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _port(server: GatewrightProcess) -> int:
    return int(server.url.rsplit(":", 1)[1])


@pytest.fixture
def restarts() -> Iterator[list[GatewrightProcess]]:
    started: list[GatewrightProcess] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            stop_gatewright(server)


def test_rotating_the_key_file_keeps_everything_working(
    tmp_path: Path,
    upstream: Upstream,
    oidc: OidcProvider,
    protected: ProtectedUpstream,
    restarts: list[GatewrightProcess],
) -> None:
    server = start_gatewright(tmp_path / "data")
    restarts.append(server)
    estate = _estate(server, upstream, oidc, protected)
    key_file = server.data_dir / "master.key"
    old_key = key_file.read_bytes().split()[0]
    before = _ciphertexts(server.data_dir)
    assert {kind for kind, _ in before} == set(SECRET_KINDS)

    printed = _rotate(server)
    assert "re-encrypted" in printed
    assert old_key.decode() not in printed
    keys = key_file.read_bytes().split()
    assert len(keys) == 2
    assert keys[1] == old_key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    after = _ciphertexts(server.data_dir)
    assert after.keys() == before.keys()
    for record, ciphertext in after.items():
        assert ciphertext != before[record]
        assert _readable_with(keys[0], ciphertext), record
        assert not _readable_with(old_key, ciphertext), record

    estate.check()  # the running process, which started with the old key only
    # a target built after the rotation decrypts its provider with the new key
    control = server.control()
    arn = control.list_api_key_credential_providers()["credentialProviders"][0]["credentialProviderArn"]
    target = spec_target(
        control,
        estate.gateway["gatewayId"],
        openapi_document(protected.url),
        credentialProviderConfigurations=api_key_auth(arn),
    )
    estate.tools.append(f"{target['name']}___ping")
    estate.check()

    stop_gatewright(server)
    key_file.write_bytes(keys[0] + b"\n")  # the operator drops the old key
    estate.server = restarted = start_gatewright(server.data_dir, port=_port(server))
    restarts.append(restarted)
    estate.check()


def test_rotating_keys_given_in_the_environment(
    tmp_path: Path,
    upstream: Upstream,
    oidc: OidcProvider,
    protected: ProtectedUpstream,
    restarts: list[GatewrightProcess],
) -> None:
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    server = start_gatewright(tmp_path / "data", {"GATEWRIGHT_MASTER_KEY": first})
    restarts.append(server)
    estate = _estate(server, upstream, oidc, protected)
    assert not (server.data_dir / "master.key").exists()
    stop_gatewright(server)

    both = {"GATEWRIGHT_MASTER_KEY": f"{second},{first}"}
    estate.server = server = start_gatewright(server.data_dir, both, port=_port(server))
    restarts.append(server)
    _rotate(server, both)
    assert all(_readable_with(second.encode(), c) for c in _ciphertexts(server.data_dir).values())
    estate.check()
    stop_gatewright(server)

    estate.server = server = start_gatewright(server.data_dir, {"GATEWRIGHT_MASTER_KEY": second}, port=_port(server))
    restarts.append(server)
    estate.check()


def test_a_wrong_master_key_fails_closed(
    tmp_path: Path,
    upstream: Upstream,
    oidc: OidcProvider,
    protected: ProtectedUpstream,
    restarts: list[GatewrightProcess],
) -> None:
    server = start_gatewright(tmp_path / "data")
    restarts.append(server)
    estate = _estate(server, upstream, oidc, protected)
    stop_gatewright(server)
    wrong = start_gatewright(
        server.data_dir, {"GATEWRIGHT_MASTER_KEY": Fernet.generate_key().decode()}, port=_port(server)
    )
    restarts.append(wrong)
    response = requests.post(
        estate.client.token_endpoint,
        data={"grant_type": "client_credentials"},
        auth=(estate.client.client_id, estate.client.client_secret),
        timeout=10,
    )
    assert response.status_code == 500  # cannot sign: no token
    assert response.json() == {"error": "server_error"}
    wrong_control = wrong.control()
    gateway = create_gateway(wrong_control, name("open"))
    spec = openapi_document(protected.url)
    arn = wrong_control.list_api_key_credential_providers()["credentialProviders"][0]["credentialProviderArn"]
    target = spec_target(wrong_control, gateway["gatewayId"], spec, credentialProviderConfigurations=api_key_auth(arn))
    result = call_tool(gateway["gatewayUrl"], f"{target['name']}___ping").json()["result"]
    assert result["isError"] is True
    assert result["content"][0]["text"] == "The gateway cannot read the target's credentials."
    assert PROTECTED_API_KEY not in wrong.log()
    assert "cannot be decrypted" in wrong.log()
