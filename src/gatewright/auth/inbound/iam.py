"""AWS_IAM and AUTHENTICATE_ONLY: SigV4-signed MCP requests (signing name ``bedrock-agentcore``).

Key pairs are the operator's (``gatewright iam create-key``), stored with their secret encrypted; the admin
key pair is accepted too. AWS_IAM also authorizes: a key pair lists the gateways it may invoke (``*`` for
all), as an IAM policy on ``bedrock-agentcore:InvokeGateway`` would. AUTHENTICATE_ONLY only checks that the
signature is right. Key pairs are cached in memory and re-read when an unknown key id shows up (at most
once a second) or every ``RELOAD_SECONDS``.
"""

from __future__ import annotations

import secrets
import string
import time
from typing import Any

from gatewright.auth.inbound.principal import Principal
from gatewright.auth.sigv4 import SignatureError, verify
from gatewright.errors import NotFoundError, ValidationError
from gatewright.secrets import SecretBox
from gatewright.settings import Settings
from gatewright.store import Store
from gatewright.web.asgi import HttpError, Scope

KIND = "iam_key"
SIGNING_NAME = "bedrock-agentcore"
RELOAD_SECONDS = 30.0


class IamKeys:
    def __init__(self, store: Store, box: SecretBox, settings: Settings) -> None:
        self._store = store
        self._box = box
        self._settings = settings
        self._keys: dict[str, tuple[str, list[str]]] = {}
        self._loaded = 0.0
        self._last_miss = 0.0

    async def _load(self) -> None:
        keys = {}
        for record in await self._store.list_records(KIND, "", limit=100_000):
            keys[record.id] = (self._box.decrypt(record.doc["secret"]), list(record.doc.get("gateways", ["*"])))
        self._keys = keys
        self._loaded = time.monotonic()

    async def lookup(self, access_key_id: str) -> tuple[str, list[str]] | None:
        if access_key_id == self._settings.admin_access_key_id:
            return self._settings.admin_secret_access_key.get(), ["*"]
        now = time.monotonic()
        if now - self._loaded > RELOAD_SECONDS or (access_key_id not in self._keys and now - self._last_miss > 1):
            if access_key_id not in self._keys:
                self._last_miss = now
            await self._load()
        return self._keys.get(access_key_id)

    async def create(self, name: str, gateways: list[str]) -> dict[str, Any]:
        if not isinstance(gateways, list) or not all(isinstance(g, str) for g in gateways):
            raise ValidationError.for_field("gateways", "gateways must be a list of gateway ids or '*'")
        key_id = "GWIK" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        secret = secrets.token_urlsafe(30)
        doc = {"name": name, "secret": self._box.encrypt(secret), "gateways": gateways or ["*"]}
        await self._store.create(KIND, key_id, "", key_id, doc)
        self._loaded = 0.0
        return {"accessKeyId": key_id, "secretAccessKey": secret, "name": name, "gateways": doc["gateways"]}

    async def list(self) -> list[dict[str, Any]]:
        return [
            {"accessKeyId": r.id, "name": r.doc.get("name", ""), "gateways": r.doc.get("gateways", ["*"])}
            for r in await self._store.list_records(KIND, "", limit=100_000)
        ]

    async def delete(self, key_id: str) -> None:
        if await self._store.get(KIND, key_id) is None:
            raise NotFoundError(f"IAM key {key_id} was not found")
        await self._store.delete(KIND, key_id)
        self._keys.pop(key_id, None)

    async def reencrypt(self) -> int:
        records = await self._store.list_records(KIND, "", limit=100_000)
        for record in records:
            doc = record.doc | {"secret": self._box.reencrypt(record.doc["secret"])}
            await self._store.update(KIND, record.id, doc, record.version)
        return len(records)


def _denied(message: str, status: int = 403) -> HttpError:
    return HttpError.json(
        status,
        {"__type": "AccessDeniedException", "message": message},
        [(b"x-amzn-errortype", b"AccessDeniedException")],
    )


class IamAuthorizer:
    def __init__(self, keys: IamKeys, gateway_id: str, *, authorize: bool) -> None:
        self._keys = keys
        self._gateway_id = gateway_id
        self._authorize = authorize
        self.resource_metadata = ""

    async def authenticate(self, scope: Scope, headers: dict[str, str], body: bytes) -> Principal:
        found: dict[str, tuple[str, list[str]]] = {}
        header = headers.get("authorization", "")
        key_id = header.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in header else ""
        entry = await self._keys.lookup(key_id) if key_id else None
        if entry is not None:
            found[key_id] = entry
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1").split("?", 1)[0]
        try:
            caller = verify(
                method=scope["method"],
                raw_path=raw_path,
                raw_query=scope.get("query_string", b"").decode("latin-1"),
                headers=headers,
                body=body,
                service=SIGNING_NAME,
                lookup_secret=lambda k: found[k][0] if k in found else None,
            )
        except SignatureError as exc:
            raise _denied(str(exc)) from None
        allowed = found[caller.access_key_id][1]
        if self._authorize and "*" not in allowed and self._gateway_id not in allowed:
            raise _denied(f"{caller.access_key_id} is not allowed to invoke gateway {self._gateway_id}")
        return Principal(key=caller.access_key_id, claims={"accessKeyId": caller.access_key_id})
