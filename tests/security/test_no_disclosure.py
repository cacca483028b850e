"""No secret is ever disclosed: not by the API, not in errors, not by the CLI after the one-time creation output,
not in the server log, not in the database file.

One scenario on the lab process (log level DEBUG, so the log is as talkative as it gets) creates every kind of secret
and drives every path that handles one, successful or failing: client secrets of the built-in issuer (created,
rotated), API keys (created, updated; header and query placement, an unreachable upstream on a DEBUG gateway),
OAuth client secrets (right and wrong), IAM key pairs, the gateway's AWS credentials, bearer tokens (valid, forged,
expired, passed through) and the tokens the gateway fetches for itself. Then every sink is searched for every one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from support.forge import ForgedIssuer, parts, sign
from support.gateway import GatewrightProcess, create_gateway
from support.identity import (
    LAB_AWS,
    PROTECTED_API_KEY,
    api_key_auth,
    bearer,
    builtin_token,
    call_tool,
    create_client,
    create_iam_key,
    jwt_gateway,
    list_tools,
    name,
    oauth_auth,
    oauth_provider,
    run_cli,
    sigv4_headers,
    spec_target,
    token_request,
)
from support.identity_upstream import IdentityUpstream, echo_spec
from support.net import free_port
from support.oidc_provider import OidcProvider
from support.protected_upstream import ProtectedUpstream, openapi_document
from support.upstream import Upstream

NOT_STATE = {"server.log", "master.key", "admin-credentials.json"}


@dataclass
class Scenario:
    secrets: dict[str, str] = field(default_factory=dict)  # label -> value
    tokens: dict[str, str] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)  # every API answer and tool result after creation
    cli_outputs: list[str] = field(default_factory=list)  # CLI output other than one-time creation output

    def saw(self, response: requests.Response) -> requests.Response:
        self.responses.append(f"{response.status_code} {dict(response.headers)} {response.text}")
        return response

    def saw_echo(self, response: requests.Response) -> None:
        """A call whose upstream echoes the request back: what the upstream received is its own business (the
        tokens and signatures the gateway sent it), so only the outcome is kept."""
        result = response.json()["result"]
        received = result["structuredContent"]["headers"].get("authorization", "")
        self.responses.append(f"{response.status_code} isError={result['isError']} {received.split(' ', 1)[0]}")
        if received.startswith("Bearer "):
            self.tokens.setdefault("token the gateway fetched", received.split(" ", 1)[1])

    def saw_aws(self, response: Any) -> Any:
        self.responses.append(json.dumps(response, default=str))
        return response


def _tool(target: dict[str, Any], operation: str) -> str:
    return f"{target['name']}___{operation}"


def _outbound(s: Scenario, control: Any, url: str, gateway_id: str, bearer_headers: dict[str, str], **env: Any) -> None:
    """Targets with every outbound credential, called with success and with failure."""
    oidc: OidcProvider = env["oidc"]
    protected: ProtectedUpstream = env["protected"]
    echo = echo_spec(env["identity_upstream"].url)
    key_arn = control.create_api_key_credential_provider(name=name("key"), apiKey=s.secrets["api key (first)"])[
        "credentialProviderArn"
    ]
    s.saw_aws(control.update_api_key_credential_provider(name=key_arn.rsplit("/", 1)[1], apiKey=PROTECTED_API_KEY))
    down = openapi_document(f"http://127.0.0.1:{free_port()}")
    good = oauth_provider(control, "upstream-caller", oidc.secret("upstream-caller"), discoveryUrl=oidc.discovery_url)
    bad = oauth_provider(control, "upstream-caller", s.secrets["wrong oauth secret"], discoveryUrl=oidc.discovery_url)
    iam = [
        {
            "credentialProviderType": "GATEWAY_IAM_ROLE",
            "credentialProvider": {"iamCredentialProvider": {"service": "execute-api"}},
        }
    ]
    targets = [
        (openapi_document(protected.url), api_key_auth(key_arn), "ping"),
        (down, api_key_auth(key_arn, credentialLocation="QUERY_PARAMETER"), "ping"),
        (down, api_key_auth(key_arn), "ping"),
        (openapi_document(protected.url), oauth_auth(good, ["upstream/invoke"]), "whoami"),
        (openapi_document(protected.url), oauth_auth(bad, ["upstream/invoke"]), "whoami"),
        (echo, oauth_auth(good, ["upstream/invoke"]), "echo"),
        (echo, [{"credentialProviderType": "JWT_PASSTHROUGH"}], "echo"),
        (echo, iam, "echo"),
    ]
    for spec, auth, operation in targets:
        target = spec_target(control, gateway_id, spec, credentialProviderConfigurations=auth)
        s.saw_aws(control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target["targetId"]))
        response = call_tool(url, _tool(target, operation), {}, bearer_headers)
        if operation == "echo":
            s.saw_echo(response)
        else:
            s.saw(response)
    s.saw_aws(control.get_api_key_credential_provider(name=key_arn.rsplit("/", 1)[1]))
    s.saw_aws(control.list_api_key_credential_providers())
    s.saw_aws(control.get_oauth2_credential_provider(name=good.rsplit("/", 1)[1]))
    s.saw_aws(control.list_oauth2_credential_providers())


@pytest.fixture(scope="module")
def scenario(
    *,
    lab: GatewrightProcess,
    lab_control: Any,
    upstream: Upstream,
    oidc: OidcProvider,
    protected: ProtectedUpstream,
    identity_upstream: IdentityUpstream,
    forge: ForgedIssuer,
) -> Scenario:
    s = Scenario()
    s.secrets |= {
        "api key (first)": "first-api-key-" + name(),
        "api key (updated)": PROTECTED_API_KEY,
        "wrong oauth secret": "wrong-oauth-secret-" + name(),
        "oauth client secret": oidc.secret("upstream-caller"),
        "gateway AWS secret key": LAB_AWS["AWS_SECRET_ACCESS_KEY"],
        "gateway AWS session token": LAB_AWS["AWS_SESSION_TOKEN"],
        "admin secret key": lab.credentials()["secretAccessKey"],
        "master key": (lab.data_dir / "master.key").read_text().split()[0],
    }
    # The built-in issuer: a client, its rotated secret, a quick-created gateway's client.
    client = create_client(lab, ["gateway/read"])
    s.secrets["client secret (first)"] = client.client_secret
    rotated = json.loads(run_cli(lab, "oauth", "rotate-secret", client.client_id, "--json").stdout)["clientSecret"]
    s.secrets["client secret (rotated)"] = rotated
    quick = json.loads(run_cli(lab, "gateway", "quick-create", name("quick"), "--json").stdout)
    s.secrets["quick-create client secret"] = quick["clientSecret"]
    s.saw(token_request(client.token_endpoint, client.client_id, client.client_secret))  # the old secret: refused
    s.saw(token_request(client.token_endpoint, client.client_id, rotated, auth="post"))
    client.client_secret = rotated
    s.tokens["caller token"] = builtin_token(client)
    gateway = jwt_gateway(lab_control, upstream.url, client.discovery_url, allowedClients=[client.client_id])
    lab_control.update_gateway(
        gatewayIdentifier=gateway["gatewayId"],
        name=gateway["name"],
        roleArn=gateway["roleArn"],
        protocolType="MCP",
        authorizerType="CUSTOM_JWT",
        authorizerConfiguration=gateway["authorizerConfiguration"],
        exceptionLevel="DEBUG",
    )
    url = gateway["gatewayUrl"]
    caller = bearer(s.tokens["caller token"])
    _outbound(
        s,
        lab_control,
        url,
        gateway["gatewayId"],
        caller,
        oidc=oidc,
        protected=protected,
        identity_upstream=identity_upstream,
    )
    # Refused tokens: tampered, wrongly signed, expired (forged), another issuer's.
    header, claims = parts(s.tokens["caller token"])
    s.tokens["wrongly signed token"] = sign(header, claims, forge.rsa)
    s.tokens["oidc token"] = oidc.access_token("agent", scope="gateway/read")
    s.tokens["expired forged token"] = forge.token(exp=int(time.time()) - 3600)
    forged_gateway = jwt_gateway(lab_control, upstream.url, forge.discovery_url, allowedClients=["forged-client"])
    for token in (s.tokens["wrongly signed token"], s.tokens["oidc token"], s.tokens["caller token"] + "x"):
        s.saw(list_tools(url, bearer(token)))
    s.saw(list_tools(forged_gateway["gatewayUrl"], bearer(s.tokens["expired forged token"])))
    # AWS_IAM: a key pair, a good and a bad signature.
    iam_gateway = create_gateway(lab_control, name("iam"), authorizerType="AWS_IAM")
    key = create_iam_key(lab)
    s.secrets["iam key secret"] = key["secretAccessKey"]
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).encode()
    for secret in (key["secretAccessKey"], key["secretAccessKey"][::-1]):
        headers = sigv4_headers("POST", iam_gateway["gatewayUrl"], body, key["accessKeyId"], secret)
        s.saw(requests.post(iam_gateway["gatewayUrl"], data=body, headers=headers, timeout=10))
    # What an operator reads back.
    for args in (("oauth", "list-clients", "--json"), ("iam", "list-keys", "--json"), ("oauth", "list-clients")):
        s.cli_outputs.append(run_cli(lab, *args).stdout)
    s.saw_aws(lab_control.get_gateway(gatewayIdentifier=quick["gatewayId"]))
    return s


def _state_files(server: GatewrightProcess) -> list[Path]:
    return [p for p in server.data_dir.iterdir() if p.is_file() and p.name not in NOT_STATE]


def test_the_scenario_exercised_every_path(scenario: Scenario) -> None:
    answers = "\n".join(scenario.responses)
    assert '"ok":true' in answers.replace(" ", "")  # the API key worked
    assert "upstream-caller" in answers  # the OAuth token worked
    assert "refused the gateway's credentials" in answers  # the wrong OAuth secret failed
    assert "could not be reached" in answers  # the unreachable upstream failed, with DEBUG details
    assert "AWS4-HMAC-SHA256" in answers  # the gateway signed
    for refusal in ("invalid_client", "invalid_token", "AccessDeniedException"):
        assert refusal in answers
    assert len(scenario.tokens) == 5


def test_no_secret_in_any_api_answer_or_error(scenario: Scenario) -> None:
    answers = "\n".join(scenario.responses)
    leaked = [label for label, secret in scenario.secrets.items() if secret in answers]
    assert leaked == []


def test_no_secret_in_cli_output_after_creation(scenario: Scenario) -> None:
    output = "\n".join(scenario.cli_outputs)
    leaked = [label for label, secret in scenario.secrets.items() if secret in output]
    assert leaked == []


def test_no_secret_or_token_in_the_server_log(scenario: Scenario, lab: GatewrightProcess) -> None:
    log = lab.log()
    leaked = [label for label, value in (scenario.secrets | scenario.tokens).items() if value in log]
    assert leaked == []
    for token in scenario.tokens.values():
        assert token.split(".")[2] not in log  # not even the signature alone


def test_secrets_are_encrypted_in_the_database(scenario: Scenario, lab: GatewrightProcess) -> None:
    files = _state_files(lab)
    assert any(p.name == "gatewright.db" for p in files)
    raw = b"".join(p.read_bytes() for p in files)
    leaked = [label for label, secret in scenario.secrets.items() if secret.encode() in raw]
    assert leaked == []
    assert b"enc:v1:" in raw
    for private_member in (b'"dp":', b'"dq":', b'"qi":'):  # RSA private key members of the issuer's keys
        assert private_member not in raw


def test_no_known_secret_in_the_shared_process_log(gatewright: GatewrightProcess, oidc: OidcProvider) -> None:
    """The session's main process served most identity e2e tests: the secrets they share are not in its log."""
    log = gatewright.log()
    known = {
        "protected upstream API key": PROTECTED_API_KEY,
        "admin secret key": gatewright.credentials()["secretAccessKey"],
        "master key": (gatewright.data_dir / "master.key").read_text().split()[0],
        **{f"oidc secret of {c}": oidc.secret(c) for c in oidc.clients},
    }
    assert [label for label, secret in known.items() if secret in log] == []
