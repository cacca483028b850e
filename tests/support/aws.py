"""Control-plane helpers: AWS errors as boto3 reports them, raw SigV4-signed requests, waits for deletion."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from support.net import wait_until

SERVICE = "bedrock-agentcore"
REGION = "us-east-1"


def status_of(response: dict[str, Any]) -> int:
    """The HTTP status a boto3 call got."""
    status: int = response["ResponseMetadata"]["HTTPStatusCode"]
    return status


@contextmanager
def aws_error(code: str, status: int) -> Iterator[dict[str, Any]]:
    """Expect a boto3 call to fail with ``code``/``status``; yields the parsed error response to inspect."""
    holder: dict[str, Any] = {}
    try:
        yield holder
    except ClientError as exc:
        response = exc.response
        assert response["Error"]["Code"] == code, response
        assert status_of(response) == status, response
        holder.update(response)
        return
    raise AssertionError(f"expected {code}, the call succeeded")


def field_names(error: dict[str, Any]) -> list[str]:
    return [f["name"] for f in error.get("fieldList", [])]


def wait_gone(get: Callable[[], Any], timeout: float = 20.0) -> None:
    """Poll ``get`` until it raises ResourceNotFoundException."""

    def gone() -> bool:
        try:
            get()
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ResourceNotFoundException":
                return True
            raise
        return False

    wait_until(gone, timeout=timeout, what="the resource to be deleted")


def signed_headers(
    method: str,
    url: str,
    body: bytes,
    *,
    access_key: str,
    secret_key: str,
    service: str = SERVICE,
    region: str = REGION,
) -> dict[str, str]:
    """Headers of a request signed exactly as boto3 signs it."""
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(access_key, secret_key), service, region).add_auth(request)
    return dict(request.headers.items())


def signed_request(method: str, url: str, body: bytes, creds: dict[str, str], **kw: Any) -> requests.Response:
    headers = signed_headers(method, url, body, access_key=creds["accessKeyId"], secret_key=creds["secretAccessKey"])
    return requests.request(method, url, data=body, headers=headers, timeout=30, **kw)
