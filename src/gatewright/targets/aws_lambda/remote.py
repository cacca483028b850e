"""Invoking a function on AWS Lambda (or any Lambda-API-compatible endpoint) with boto3.

Synchronous ``Invoke`` (``RequestResponse``) with the client context, from a worker thread so the event
loop keeps serving. The endpoint, credentials and retries come from the standard AWS settings
(``AWS_ENDPOINT_URL_LAMBDA``, ``AWS_ENDPOINT_URL``, the credential chain); the region is the ARN's. An
invocation is attempted once: retrying a call that may have run the function could run it twice. botocore
errors become :class:`TargetError` here; a function error is returned as the invocation's error object.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from typing import Any

import orjson

from gatewright.targets.aws_lambda.result import Invocation
from gatewright.targets.base import TargetError

JSON = dict[str, Any]
_ACCESS = ("AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException")


class LambdaClients:
    """One boto3 Lambda client per region, created on first use (boto3 clients are thread-safe)."""

    def __init__(self, read_timeout: float, connect_timeout: float) -> None:
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, region: str) -> Any:
        with self._lock:
            client = self._clients.get(region)
            if client is None:
                import boto3
                from botocore.config import Config

                config = Config(
                    read_timeout=self._read_timeout,
                    connect_timeout=self._connect_timeout,
                    retries={"total_max_attempts": 1},
                )
                client = boto3.session.Session().client("lambda", region_name=region, config=config)
                self._clients[region] = client
            return client

    def _invoke(self, arn: str, region: str, event: bytes, client_context: JSON) -> Invocation:
        from botocore.exceptions import BotoCoreError, ClientError

        context = base64.b64encode(orjson.dumps(client_context)).decode()
        try:
            response = self.client(region).invoke(
                FunctionName=arn, InvocationType="RequestResponse", Payload=event, ClientContext=context
            )
            payload: bytes = response["Payload"].read()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code") or "Error")
            if code in _ACCESS:
                detail = (
                    f"Access denied while invoking Lambda function {arn}. Check the permissions on the Lambda "
                    "function and Gateway execution role, and retry the request."
                )
            else:
                detail = f"{code} while invoking Lambda function {arn}: {error.get('Message') or ''}".rstrip(": ")
            raise TargetError("The Lambda function could not be invoked.", detail=detail) from None
        except BotoCoreError as exc:
            raise TargetError("The Lambda function could not be invoked.", detail=f"{arn}: {exc}") from None
        if response.get("FunctionError"):
            try:
                error_obj = orjson.loads(payload)
            except orjson.JSONDecodeError:
                error_obj = None
            if not isinstance(error_obj, dict):
                error_obj = {"errorMessage": payload[:4096].decode("utf-8", "replace")}
            error_obj.setdefault("errorType", response["FunctionError"])
            return Invocation(error=error_obj)
        return Invocation(payload=payload)

    async def invoke(self, arn: str, region: str, event: bytes, client_context: JSON) -> Invocation:
        return await asyncio.to_thread(self._invoke, arn, region, event, client_context)
