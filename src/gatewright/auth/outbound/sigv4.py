"""GATEWAY_IAM_ROLE: SigV4 with the standard AWS credential chain (environment, profile, instance role).

The service and region come from the target's ``iamCredentialProvider`` or are inferred from the upstream
host (``<api>.execute-api.<region>.amazonaws.com`` is ``execute-api``). botocore does the signing, so
credentials refresh themselves (assumed roles, instance profiles).
"""

from __future__ import annotations

import asyncio
from typing import Any

from gatewright.auth.outbound.base import AuthUnavailable
from gatewright.upstream.http import OutboundRequest


def _credentials() -> Any:
    import boto3

    return boto3.Session().get_credentials()


class SigV4Auth:
    def __init__(self, service: str, region: str) -> None:
        self._service = service
        self._region = region
        self._creds: Any = None

    async def apply(self, request: OutboundRequest, caller_token: str | None) -> None:
        from botocore.auth import SigV4Auth as Signer
        from botocore.awsrequest import AWSRequest

        if self._creds is None:
            self._creds = await asyncio.to_thread(_credentials)
            if self._creds is None:
                raise AuthUnavailable(
                    "The gateway has no AWS credentials to sign the request.",
                    "no credentials in the standard AWS credential chain",
                )
        frozen = await asyncio.to_thread(self._creds.get_frozen_credentials)
        aws = AWSRequest(
            method=request.method, url=request.url, data=request.body or b"", headers=dict(request.headers)
        )
        Signer(frozen, self._service, self._region).add_auth(aws)
        request.headers = dict(aws.headers.items())

    async def refresh(self, rejected: OutboundRequest) -> bool:
        return False
