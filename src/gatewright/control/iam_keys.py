"""gatewright extension operations for the key pairs that sign MCP requests to AWS_IAM gateways.

POST   /gatewright/iam/keys                   create a key pair (the secret is shown once)
GET    /gatewright/iam/keys                   list key pairs (never secrets)
DELETE /gatewright/iam/keys/{accessKeyId}     delete a key pair
"""

from __future__ import annotations

from typing import Any

from gatewright.auth.inbound.iam import IamKeys
from gatewright.control.common import ControlContext
from gatewright.control.extensions import Extension

JSON = dict[str, Any]


def iam_key_extensions(keys: IamKeys) -> list[Extension]:
    async def create(ctx: ControlContext, params: JSON) -> JSON:
        return await keys.create(str(params.get("name", "")), params.get("gateways") or ["*"])

    async def listing(ctx: ControlContext, params: JSON) -> JSON:
        return {"keys": await keys.list()}

    async def delete(ctx: ControlContext, params: JSON) -> JSON:
        await keys.delete(params["accessKeyId"])
        return {"accessKeyId": params["accessKeyId"], "deleted": True}

    return [
        Extension("CreateIamKey", "POST", "/gatewright/iam/keys", create, 201),
        Extension("ListIamKeys", "GET", "/gatewright/iam/keys", listing),
        Extension("DeleteIamKey", "DELETE", "/gatewright/iam/keys/{accessKeyId}", delete),
    ]
