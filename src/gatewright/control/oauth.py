"""gatewright extension operations for the built-in OAuth issuer (what AgentCore does with Cognito).

POST   /gatewright/oauth/clients                       create a client (its secret is shown once)
GET    /gatewright/oauth/clients                       list clients (never secrets)
GET    /gatewright/oauth/clients/{clientId}            one client
DELETE /gatewright/oauth/clients/{clientId}            delete a client
POST   /gatewright/oauth/clients/{clientId}/secret     rotate a client's secret (shown once)
POST   /gatewright/oauth/keys                          rotate the signing key
"""

from __future__ import annotations

from typing import Any

from gatewright.auth.issuer.clients import Client, Clients
from gatewright.auth.issuer.keys import IssuerKeys
from gatewright.auth.issuer.server import IssuerServer
from gatewright.control.common import ControlContext
from gatewright.control.extensions import Extension

JSON = dict[str, Any]
BASE = "/gatewright/oauth"


def oauth_extensions(server: IssuerServer, clients: Clients, keys: IssuerKeys) -> list[Extension]:
    def endpoints(client: Client) -> JSON:
        return client.view() | {
            "tokenEndpoint": server.token_endpoint,
            "discoveryUrl": server.discovery_url,
            "issuer": server.issuer,
        }

    async def create(ctx: ControlContext, params: JSON) -> JSON:
        client, secret = await clients.create(params.get("clientName", ""), params.get("scopes") or [])
        return endpoints(client) | {"clientSecret": secret}

    async def listing(ctx: ControlContext, params: JSON) -> JSON:
        return {"clients": [endpoints(c) for c in await clients.list()]}

    async def get(ctx: ControlContext, params: JSON) -> JSON:
        return endpoints(await clients.get(params["clientId"]))

    async def delete(ctx: ControlContext, params: JSON) -> JSON:
        await clients.delete(params["clientId"])
        return {"clientId": params["clientId"], "deleted": True}

    async def rotate_secret(ctx: ControlContext, params: JSON) -> JSON:
        secret = await clients.rotate_secret(params["clientId"])
        return endpoints(await clients.get(params["clientId"])) | {"clientSecret": secret}

    async def rotate_key(ctx: ControlContext, params: JSON) -> JSON:
        return {"kid": await keys.rotate()}

    return [
        Extension("CreateOAuthClient", "POST", f"{BASE}/clients", create, 201),
        Extension("ListOAuthClients", "GET", f"{BASE}/clients", listing),
        Extension("GetOAuthClient", "GET", f"{BASE}/clients/{{clientId}}", get),
        Extension("DeleteOAuthClient", "DELETE", f"{BASE}/clients/{{clientId}}", delete),
        Extension("RotateOAuthClientSecret", "POST", f"{BASE}/clients/{{clientId}}/secret", rotate_secret),
        Extension("RotateSigningKey", "POST", f"{BASE}/keys", rotate_key),
    ]
