"""Verify AWS Signature Version 4 on incoming requests (header form, as boto3 and the AWS CLI sign).

Used by the control plane (the admin key pair) and by gateways with inbound ``AWS_IAM`` auth. The
canonical request is rebuilt from the raw request exactly as the signer built it: the raw path
URI-encoded once more (the rule for every service but S3), the query sorted by encoded key and value,
the signed headers lower-cased with whitespace folded, and the payload hash from
``x-amz-content-sha256`` or computed from the body.
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]{64})\s*$"
)
_SPACES = re.compile(r"\s+")


class SignatureError(Exception):
    """Why a request's signature was refused (safe to show: it names no secret)."""


@dataclass(frozen=True)
class VerifiedCaller:
    access_key_id: str
    region: str
    service: str


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(("AWS4" + secret).encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def _canonical_path(raw_path: str) -> str:
    path = raw_path or "/"
    normalized = posixpath.normpath(path)
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    normalized = normalized.replace("//", "/")
    return quote(normalized, safe="/~")


def _encode(part: str) -> str:
    return quote(unquote(part.replace("+", " ")), safe="-_.~")


def _canonical_query(raw_query: str) -> str:
    if not raw_query:
        return ""
    pairs = []
    for part in raw_query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((_encode(key), _encode(value)))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def verify(
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes,
    service: str,
    lookup_secret: Callable[[str], str | None],
    now: datetime | None = None,
) -> VerifiedCaller:
    """Check the request's SigV4 signature; ``headers`` must have lower-case names."""
    authorization = headers.get("authorization", "")
    found = _AUTH_RE.match(authorization)
    if not found:
        raise SignatureError("Missing or malformed SigV4 Authorization header")
    try:
        access_key, date, region, scope_service, terminator = found["cred"].split("/")
    except ValueError:
        raise SignatureError("Malformed credential scope") from None
    if terminator != "aws4_request":
        raise SignatureError("Malformed credential scope")
    if scope_service != service:
        raise SignatureError(f"Credential should be scoped to the service '{service}'")
    amz_date = headers.get("x-amz-date", "")
    try:
        stamp = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError("Missing or malformed X-Amz-Date header") from None
    current = now or datetime.now(UTC)
    if abs(current - stamp) > MAX_SKEW:
        raise SignatureError("Signature expired: the request time is more than 15 minutes from the server time")
    if not amz_date.startswith(date):
        raise SignatureError("The credential date does not match X-Amz-Date")
    signed = found["signed"].split(";")
    if "host" not in signed:
        raise SignatureError("The host header must be signed")
    canonical_headers = "".join(f"{h}:{_SPACES.sub(' ', headers.get(h, '').strip())}\n" for h in signed)
    # The body is always covered: UNSIGNED-PAYLOAD is refused (it would let a body be swapped in transit).
    payload_hash = hashlib.sha256(body).hexdigest()
    claimed = headers.get("x-amz-content-sha256")
    if claimed is not None and claimed != payload_hash:
        raise SignatureError("The x-amz-content-sha256 header does not match the body")
    canonical = "\n".join(
        [
            method,
            _canonical_path(raw_path),
            _canonical_query(raw_query),
            canonical_headers,
            ";".join(signed),
            payload_hash,
        ]
    )
    scope = f"{date}/{region}/{scope_service}/aws4_request"
    to_sign = f"{ALGORITHM}\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    secret = lookup_secret(access_key)
    if secret is None:
        # Compute anyway so that unknown keys cost the same time as wrong signatures.
        secret = "unknown-key-" + access_key
        known = False
    else:
        known = True
    expected = hmac.new(signing_key(secret, date, region, service), to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, found["sig"]) or not known:
        raise SignatureError("The request signature we calculated does not match the signature you provided")
    return VerifiedCaller(access_key, region, service)
