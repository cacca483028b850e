"""Read an API description from ``inlinePayload`` (JSON or YAML) or from S3.

S3 is read with boto3, so the endpoint and credentials come from the standard AWS settings
(``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``, region, credential chain): AWS, MinIO or a moto server
all work. Every failure becomes a :class:`BuildError` with a reason a person can act on.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlparse

import orjson
import yaml

from gatewright.targets.base import BuildError

JSON = dict[str, Any]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (a spec's ``version: 2024-01-01`` is not a date)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_document(text: str | bytes, what: str = "the document") -> JSON:
    """Parse JSON, or YAML when it is not JSON."""
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        try:
            doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise BuildError([f"{what} is neither valid JSON nor valid YAML{where}"]) from None
    if not isinstance(doc, dict):
        raise BuildError([f"{what} must be a JSON or YAML object"])
    return doc


def _read_s3(uri: str, owner: str | None, limit: int) -> bytes:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    parsed = urlparse(uri)
    bucket, key = parsed.netloc, parsed.path.lstrip("/")
    if not bucket or not key:
        raise BuildError([f"{uri} is not an s3://bucket/key URI"])
    extra = {"ExpectedBucketOwner": owner} if owner else {}
    try:
        client = boto3.client("s3")
        head = client.head_object(Bucket=bucket, Key=key, **extra)
        if int(head.get("ContentLength", 0)) > limit:
            raise BuildError([f"{uri} is larger than the {limit}-byte limit"])
        body: bytes = client.get_object(Bucket=bucket, Key=key, **extra)["Body"].read(limit + 1)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "Error")
        raise BuildError([f"Cannot read {uri} from S3: {code}"]) from None
    except BotoCoreError as exc:
        raise BuildError([f"Cannot read {uri} from S3: {exc}"]) from None
    if len(body) > limit:
        raise BuildError([f"{uri} is larger than the {limit}-byte limit"])
    return body


async def read_source(source: JSON, *, limit: int, what: str) -> bytes:
    """The bytes of an ``ApiSchemaConfiguration`` (``inlinePayload`` or ``s3``)."""
    if "inlinePayload" in source:
        payload = source["inlinePayload"]
        data = payload.encode() if isinstance(payload, str) else orjson.dumps(payload)
        if len(data) > limit:
            raise BuildError([f"{what} is larger than the {limit}-byte limit"])
        return data
    s3 = source.get("s3") or {}
    uri = s3.get("uri")
    if not uri:
        raise BuildError([f"{what} needs inlinePayload or s3.uri"])
    return await asyncio.to_thread(_read_s3, uri, s3.get("bucketOwnerAccountId"), limit)
