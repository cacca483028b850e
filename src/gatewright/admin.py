"""The admin key pair that signs control-plane requests (SigV4, as boto3 does).

Taken from ``GATEWRIGHT_ADMIN_ACCESS_KEY_ID`` / ``GATEWRIGHT_ADMIN_SECRET_ACCESS_KEY`` when set;
otherwise generated once into ``<data dir>/admin-credentials.json`` (mode 0600) and reused.
"""

from __future__ import annotations

import os
import secrets
import string
from dataclasses import replace
from pathlib import Path

import orjson

from gatewright.settings import Secret, Settings

FILE_NAME = "admin-credentials.json"


def credentials_path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def _generate() -> dict[str, str]:
    key_id = "GWAK" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
    secret = "".join(secrets.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return {"accessKeyId": key_id, "secretAccessKey": secret}


def read_or_create(settings: Settings) -> dict[str, str]:
    """The admin credentials: from settings, from the data folder, or newly generated there."""
    if settings.admin_access_key_id and settings.admin_secret_access_key:
        return {"accessKeyId": settings.admin_access_key_id, "secretAccessKey": settings.admin_secret_access_key.get()}
    path = credentials_path(settings)
    if path.exists():
        stored: dict[str, str] = orjson.loads(path.read_bytes())
        return stored
    path.parent.mkdir(parents=True, exist_ok=True)
    creds = _generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        theirs: dict[str, str] = orjson.loads(path.read_bytes())
        return theirs
    with os.fdopen(fd, "wb") as handle:
        handle.write(orjson.dumps(creds, option=orjson.OPT_INDENT_2))
    return creds


def ensure_admin_credentials(settings: Settings) -> Settings:
    creds = read_or_create(settings)
    return replace(
        settings, admin_access_key_id=creds["accessKeyId"], admin_secret_access_key=Secret(creds["secretAccessKey"])
    )


async def rotate_master_key(settings: Settings) -> dict[str, int]:
    """Add a new master key and re-encrypt every stored secret with it; returns counts per kind.

    Safe while gatewright runs: running processes re-read the key file when they meet a secret encrypted
    with a key they do not know yet, and older keys stay in the file for decryption. When the keys come
    from ``GATEWRIGHT_MASTER_KEY``, the operator has already put the new key first there (and restarted
    with it): secrets are re-encrypted with that first key.
    """
    from gatewright.auth.inbound.iam import IamKeys
    from gatewright.auth.issuer.keys import IssuerKeys
    from gatewright.resources import API_KEY_PROVIDER, OAUTH2_PROVIDER
    from gatewright.secrets import SecretBox, add_master_key
    from gatewright.store import open_store

    if not settings.master_key:
        add_master_key(settings)
    box = SecretBox(settings)
    store = open_store(settings)
    await store.open()
    counts: dict[str, int] = {}
    try:
        for kind, field in ((API_KEY_PROVIDER, "apiKey"), (OAUTH2_PROVIDER, "clientSecret")):
            records = await store.list_records(kind, "", limit=1_000_000)
            for record in records:
                if record.doc.get(field):
                    await store.update(
                        kind, record.id, record.doc | {field: box.reencrypt(record.doc[field])}, record.version
                    )
            counts[kind] = len(records)
        counts["signing_key"] = await IssuerKeys(store, box, settings.issuer_token_seconds).reencrypt()
        counts["iam_key"] = await IamKeys(store, box, settings).reencrypt()
    finally:
        await store.close()
    return counts
