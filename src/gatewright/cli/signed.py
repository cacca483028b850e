"""Calls of gatewright's extension operations (not in boto3's model), SigV4-signed with the admin key pair."""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request
from typing import Any

from gatewright.admin import read_or_create
from gatewright.cli.client import settings_of


class ApiError(Exception):
    pass


def call(args: argparse.Namespace, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    settings = settings_of(args)
    creds = read_or_create(settings)
    url = (args.endpoint_url or settings.base_url).rstrip("/") + path
    if not url.startswith(("http://", "https://")):
        raise ApiError(f"{url} is not an http(s) URL")
    data = json.dumps(body).encode() if body is not None else b""
    request = AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json"})
    SigV4Auth(
        Credentials(creds["accessKeyId"], creds["secretAccessKey"]), "bedrock-agentcore", settings.region
    ).add_auth(request)
    headers = dict(request.headers.items())
    prepared = urllib.request.Request(url, data=data or None, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:  # noqa: S310 - URL is the operator's gateway
            text = response.read().decode()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        try:
            message = json.loads(detail).get("message", detail)
        except ValueError:
            message = detail
        raise ApiError(f"{exc.headers.get('x-amzn-errortype', exc.code)}: {message}") from None
    result: dict[str, Any] = json.loads(text) if text else {}
    return result
