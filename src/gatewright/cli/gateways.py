"""``gatewright gateway ...`` and ``gatewright target ...``: thin commands over the control plane."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gatewright.cli.client import add_connection_args, control_client, emit, wait_for

_DONE = ("READY", "FAILED", "UPDATE_UNSUCCESSFUL", "SYNCHRONIZE_UNSUCCESSFUL")
DEFAULT_ROLE = "arn:aws:iam::123456789012:role/gatewright"


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Add ``gateway`` and ``target``; returns the ``gateway`` sub-commands (others add to them)."""
    gateway = sub.add_parser("gateway", help="create, list, show and delete gateways")
    gsub = gateway.add_subparsers(dest="action", required=True)
    create = gsub.add_parser("create", help="create a gateway")
    create.add_argument("name")
    create.add_argument("--description")
    create.add_argument("--authorizer", default="NONE", choices=["NONE", "CUSTOM_JWT", "AWS_IAM"])
    create.add_argument("--discovery-url", help="CUSTOM_JWT: the OpenID discovery URL")
    create.add_argument("--allowed-client", action="append", default=[], help="CUSTOM_JWT: allowed client_id")
    create.add_argument("--allowed-audience", action="append", default=[], help="CUSTOM_JWT: allowed aud")
    create.add_argument("--debug", action="store_true", help="exceptionLevel DEBUG: show upstream error details")
    create.add_argument(
        "--semantic-search",
        action="store_true",
        help="searchType SEMANTIC: list the built-in tool x_amz_bedrock_agentcore_search first",
    )
    create.set_defaults(func=create_gateway)
    for name, func, helptext in (("get", get_gateway, "show a gateway"), ("delete", delete_gateway, "delete")):
        cmd = gsub.add_parser(name, help=helptext)
        cmd.add_argument("gateway_id")
        add_connection_args(cmd)
        cmd.set_defaults(func=func)
    listing = gsub.add_parser("list", help="list gateways")
    listing.set_defaults(func=list_gateways)
    for cmd in (create, listing):
        add_connection_args(cmd)

    target = sub.add_parser("target", help="add, list, show, synchronise and delete targets")
    tsub = target.add_subparsers(dest="action", required=True)
    openapi = tsub.add_parser("create-openapi", help="add an OpenAPI target from a file or s3:// URI")
    openapi.add_argument("gateway_id")
    openapi.add_argument("spec", help="path to a JSON/YAML OpenAPI document, or s3://bucket/key")
    openapi.add_argument("--name")
    openapi.add_argument("--description")
    openapi.add_argument("--no-wait", action="store_true")
    openapi.set_defaults(func=create_openapi_target)
    add_connection_args(openapi)
    for name, func in (("get", get_target), ("delete", delete_target), ("sync", sync_target)):
        cmd = tsub.add_parser(name)
        cmd.add_argument("gateway_id")
        cmd.add_argument("target_id")
        add_connection_args(cmd)
        cmd.set_defaults(func=func)
    tlist = tsub.add_parser("list")
    tlist.add_argument("gateway_id")
    add_connection_args(tlist)
    tlist.set_defaults(func=list_targets)
    return gsub


def _authorizer(args: argparse.Namespace) -> dict[str, Any]:
    if args.authorizer != "CUSTOM_JWT":
        return {}
    jwt: dict[str, Any] = {"discoveryUrl": args.discovery_url}
    if args.allowed_client:
        jwt["allowedClients"] = args.allowed_client
    if args.allowed_audience:
        jwt["allowedAudience"] = args.allowed_audience
    return {"authorizerConfiguration": {"customJWTAuthorizer": jwt}}


def create_gateway(args: argparse.Namespace) -> int:
    client = control_client(args)
    params: dict[str, Any] = {
        "name": args.name,
        "roleArn": DEFAULT_ROLE,
        "protocolType": "MCP",
        "authorizerType": args.authorizer,
        **_authorizer(args),
    }
    if args.description:
        params["description"] = args.description
    if args.debug:
        params["exceptionLevel"] = "DEBUG"
    if args.semantic_search:
        params["protocolConfiguration"] = {"mcp": {"searchType": "SEMANTIC"}}
    created = client.create_gateway(**params)
    gateway = wait_for(lambda: client.get_gateway(gatewayIdentifier=created["gatewayId"]), _DONE)
    emit(args, _clean(gateway), f"{gateway['gatewayId']}  {gateway['status']}  {gateway['gatewayUrl']}")
    return 0 if gateway["status"] == "READY" else 1


def get_gateway(args: argparse.Namespace) -> int:
    emit(args, _clean(control_client(args).get_gateway(gatewayIdentifier=args.gateway_id)))
    return 0


def list_gateways(args: argparse.Namespace) -> int:
    client = control_client(args)
    items = (
        [i for page in client.get_paginator("list_gateways").paginate() for i in page["items"]]
        if client.can_paginate("list_gateways")
        else client.list_gateways()["items"]
    )
    emit(args, items, "\n".join(f"{i['gatewayId']}  {i['status']}  {i['name']}" for i in items) or "(none)")
    return 0


def delete_gateway(args: argparse.Namespace) -> int:
    emit(args, _clean(control_client(args).delete_gateway(gatewayIdentifier=args.gateway_id)))
    return 0


def create_openapi_target(args: argparse.Namespace) -> int:
    client = control_client(args)
    if args.spec.startswith("s3://"):
        source: dict[str, Any] = {"s3": {"uri": args.spec}}
    else:
        source = {"inlinePayload": Path(args.spec).read_text(encoding="utf-8")}
    params: dict[str, Any] = {
        "gatewayIdentifier": args.gateway_id,
        "targetConfiguration": {"mcp": {"openApiSchema": source}},
    }
    if args.name:
        params["name"] = args.name
    if args.description:
        params["description"] = args.description
    created = client.create_gateway_target(**params)
    target = (
        created
        if args.no_wait
        else wait_for(
            lambda: client.get_gateway_target(gatewayIdentifier=args.gateway_id, targetId=created["targetId"]), _DONE
        )
    )
    reasons = "\n  ".join(target.get("statusReasons") or [])
    emit(args, _clean(target), f"{target['targetId']}  {target['name']}  {target['status']}\n  {reasons}".rstrip())
    return 0 if target["status"] in ("READY", "CREATING") else 1


def get_target(args: argparse.Namespace) -> int:
    emit(
        args,
        _clean(control_client(args).get_gateway_target(gatewayIdentifier=args.gateway_id, targetId=args.target_id)),
    )
    return 0


def list_targets(args: argparse.Namespace) -> int:
    items = control_client(args).list_gateway_targets(gatewayIdentifier=args.gateway_id)["items"]
    emit(
        args,
        items,
        "\n".join(f"{i['targetId']}  {i['status']}  {i['targetType']}  {i['name']}" for i in items) or "(none)",
    )
    return 0


def delete_target(args: argparse.Namespace) -> int:
    emit(
        args,
        _clean(control_client(args).delete_gateway_target(gatewayIdentifier=args.gateway_id, targetId=args.target_id)),
    )
    return 0


def sync_target(args: argparse.Namespace) -> int:
    client = control_client(args)
    client.synchronize_gateway_targets(gatewayIdentifier=args.gateway_id, targetIdList=[args.target_id])
    target = wait_for(
        lambda: client.get_gateway_target(gatewayIdentifier=args.gateway_id, targetId=args.target_id), _DONE
    )
    emit(args, _clean(target), f"{target['targetId']}  {target['status']}")
    return 0 if target["status"] == "READY" else 1


def _clean(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}
