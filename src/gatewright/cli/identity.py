"""``gatewright oauth ...``, ``gatewright gateway quick-create`` and ``gatewright iam ...``."""

from __future__ import annotations

import argparse
from typing import Any

from gatewright.cli.client import add_connection_args, control_client, emit, wait_for
from gatewright.cli.signed import call

DEFAULT_ROLE = "arn:aws:iam::123456789012:role/gatewright"


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    gateway_sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    oauth = sub.add_parser("oauth", help="the built-in OAuth issuer: app clients and signing keys")
    osub = oauth.add_subparsers(dest="action", required=True)
    create = osub.add_parser("create-client", help="create an app client (its secret is printed once)")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", action="append", default=[], help="a scope the client may ask for (repeat)")
    create.set_defaults(func=create_client)
    rotate = osub.add_parser("rotate-secret", help="give a client a new secret (printed once)")
    rotate.add_argument("client_id")
    rotate.set_defaults(func=rotate_secret)
    listing = osub.add_parser("list-clients", help="list app clients")
    listing.set_defaults(func=list_clients)
    delete = osub.add_parser("delete-client", help="delete an app client")
    delete.add_argument("client_id")
    delete.set_defaults(func=delete_client)
    keys = osub.add_parser("rotate-signing-key", help="sign new tokens with a new key (old tokens stay valid)")
    keys.set_defaults(func=rotate_key)
    for cmd in (create, rotate, listing, delete, keys):
        add_connection_args(cmd)

    quick = gateway_sub.add_parser(
        "quick-create", help="a CUSTOM_JWT gateway wired to a new client of the built-in issuer"
    )
    quick.add_argument("name")
    quick.add_argument("--debug", action="store_true", help="exceptionLevel DEBUG")
    add_connection_args(quick)
    quick.set_defaults(func=quick_create)

    iam = sub.add_parser("iam", help="key pairs that sign MCP requests to AWS_IAM gateways")
    isub = iam.add_subparsers(dest="action", required=True)
    ikey = isub.add_parser("create-key", help="create a key pair (its secret is printed once)")
    ikey.add_argument("--name", default="")
    ikey.add_argument("--gateway", action="append", default=[], help="gateway id it may invoke (default: all)")
    ikey.set_defaults(func=create_iam_key)
    ilist = isub.add_parser("list-keys")
    ilist.set_defaults(func=list_iam_keys)
    idel = isub.add_parser("delete-key")
    idel.add_argument("access_key_id")
    idel.set_defaults(func=delete_iam_key)
    for cmd in (ikey, ilist, idel):
        add_connection_args(cmd)


def _client_view(client: dict[str, Any]) -> dict[str, Any]:
    keys = ("clientId", "clientSecret", "tokenEndpoint", "discoveryUrl")
    return {k: client[k] for k in keys if k in client}


def create_client(args: argparse.Namespace) -> int:
    client = call(args, "POST", "/gatewright/oauth/clients", {"clientName": args.name, "scopes": args.scope})
    emit(args, _client_view(client), "\n".join(f"{k}: {v}" for k, v in _client_view(client).items()))
    return 0


def rotate_secret(args: argparse.Namespace) -> int:
    client = call(args, "POST", f"/gatewright/oauth/clients/{args.client_id}/secret")
    emit(args, _client_view(client), f"clientSecret: {client['clientSecret']}")
    return 0


def list_clients(args: argparse.Namespace) -> int:
    clients = call(args, "GET", "/gatewright/oauth/clients")["clients"]
    emit(
        args,
        clients,
        "\n".join(f"{c['clientId']}  {c['clientName']}  {' '.join(c['scopes'])}" for c in clients) or "(none)",
    )
    return 0


def delete_client(args: argparse.Namespace) -> int:
    emit(args, call(args, "DELETE", f"/gatewright/oauth/clients/{args.client_id}"), "deleted")
    return 0


def rotate_key(args: argparse.Namespace) -> int:
    result = call(args, "POST", "/gatewright/oauth/keys")
    emit(args, result, f"new signing key: {result['kid']}")
    return 0


def quick_create(args: argparse.Namespace) -> int:
    scope = f"{args.name}/invoke"
    client = call(args, "POST", "/gatewright/oauth/clients", {"clientName": f"{args.name}-client", "scopes": [scope]})
    control = control_client(args)
    params: dict[str, Any] = {
        "name": args.name,
        "roleArn": DEFAULT_ROLE,
        "protocolType": "MCP",
        "authorizerType": "CUSTOM_JWT",
        "authorizerConfiguration": {
            "customJWTAuthorizer": {"discoveryUrl": client["discoveryUrl"], "allowedClients": [client["clientId"]]}
        },
    }
    if args.debug:
        params["exceptionLevel"] = "DEBUG"
    created = control.create_gateway(**params)
    gateway = wait_for(lambda: control.get_gateway(gatewayIdentifier=created["gatewayId"]), ("READY", "FAILED"))
    out = {
        "gatewayId": gateway["gatewayId"],
        "gatewayUrl": gateway["gatewayUrl"],
        "status": gateway["status"],
        **_client_view(client),
        "scope": scope,
    }
    emit(args, out, "\n".join(f"{k}: {v}" for k, v in out.items()))
    return 0 if gateway["status"] == "READY" else 1


def create_iam_key(args: argparse.Namespace) -> int:
    key = call(args, "POST", "/gatewright/iam/keys", {"name": args.name, "gateways": args.gateway or ["*"]})
    emit(args, key, f"AWS_ACCESS_KEY_ID={key['accessKeyId']}\nAWS_SECRET_ACCESS_KEY={key['secretAccessKey']}")
    return 0


def list_iam_keys(args: argparse.Namespace) -> int:
    keys = call(args, "GET", "/gatewright/iam/keys")["keys"]
    emit(args, keys, "\n".join(f"{k['accessKeyId']}  {k['name']}  {','.join(k['gateways'])}" for k in keys) or "(none)")
    return 0


def delete_iam_key(args: argparse.Namespace) -> int:
    emit(args, call(args, "DELETE", f"/gatewright/iam/keys/{args.access_key_id}"), "deleted")
    return 0
