"""Control plane authentication: only requests SigV4-signed with the admin key pair get through (else 403)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.auth
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config

from support.aws import aws_error, signed_headers, status_of
from support.gateway import GatewrightProcess


def _client(gatewright: GatewrightProcess, **overrides: Any) -> Any:
    creds = gatewright.credentials()
    settings = {
        "aws_access_key_id": creds["accessKeyId"],
        "aws_secret_access_key": creds["secretAccessKey"],
        "config": Config(retries={"max_attempts": 1}),
        **overrides,
    }
    return boto3.client("bedrock-agentcore-control", endpoint_url=gatewright.url, region_name="us-east-1", **settings)


def _denied(client: Any) -> dict[str, Any]:
    with aws_error("AccessDeniedException", 403) as error:
        client.list_gateways()
    assert error["Error"]["Message"]
    return error


def test_the_admin_key_pair_is_accepted(gatewright: GatewrightProcess) -> None:
    assert status_of(_client(gatewright).list_gateways()) == 200


def test_unsigned_requests_are_denied(gatewright: GatewrightProcess) -> None:
    _denied(_client(gatewright, config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1})))
    bare = requests.get(f"{gatewright.url}/gateways/", timeout=10)
    assert bare.status_code == 403
    assert bare.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert bare.json()["message"]


def test_a_wrong_secret_is_denied(gatewright: GatewrightProcess) -> None:
    _denied(_client(gatewright, aws_secret_access_key="x" * 40))


def test_an_unknown_key_is_denied(gatewright: GatewrightProcess) -> None:
    _denied(_client(gatewright, aws_access_key_id="AKIAUNKNOWNKEY000000"))


def test_a_signature_for_another_service_is_denied(gatewright: GatewrightProcess) -> None:
    creds = gatewright.credentials()
    url = f"{gatewright.url}/gateways/"
    headers = signed_headers(
        "GET", url, b"", access_key=creds["accessKeyId"], secret_key=creds["secretAccessKey"], service="s3"
    )
    assert requests.get(url, headers=headers, timeout=10).status_code == 403


def test_a_tampered_body_is_denied(gatewright: GatewrightProcess, unique_name: str) -> None:
    creds = gatewright.credentials()
    url = f"{gatewright.url}/gateways/"
    body = (
        b'{"name": "' + unique_name.encode() + b'", "roleArn": "arn:aws:iam::123456789012:role/r", '
        b'"authorizerType": "NONE"}'
    )
    headers = signed_headers("POST", url, body, access_key=creds["accessKeyId"], secret_key=creds["secretAccessKey"])
    tampered = body.replace(b'"NONE"}', b'"NONE", "description": "injected"}')
    denied = requests.post(url, data=tampered, headers=headers, timeout=10)
    assert denied.status_code == 403
    assert denied.headers["x-amzn-errortype"] == "AccessDeniedException"
    # The same signature over the body it was made for goes through.
    assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 202


def test_a_tampered_query_is_denied(gatewright: GatewrightProcess) -> None:
    creds = gatewright.credentials()
    url = f"{gatewright.url}/gateways/?maxResults=5"
    headers = signed_headers("GET", url, b"", access_key=creds["accessKeyId"], secret_key=creds["secretAccessKey"])
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
    assert requests.get(url.replace("=5", "=6"), headers=headers, timeout=10).status_code == 403


@pytest.mark.parametrize("skew", [timedelta(minutes=-20), timedelta(minutes=20)])
def test_an_expired_or_future_date_is_denied(
    gatewright: GatewrightProcess, monkeypatch: pytest.MonkeyPatch, skew: timedelta
) -> None:
    # boto3 signs with the time botocore reads; shift it as a client with a wrong clock would.
    when = datetime.now(UTC).replace(tzinfo=None) + skew
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *args, **kwargs: when)
    error = _denied(_client(gatewright))
    assert "expired" in error["Error"]["Message"].lower() or "time" in error["Error"]["Message"].lower()
