"""``gatewright apigateway list`` and ``gatewright apigateway add-target``: "add it from API Gateway".

Both read API Gateway with boto3 from the standard AWS settings (``AWS_ENDPOINT_URL_APIGATEWAY``,
``AWS_ENDPOINT_URL``, region, credential chain), as a gatewright process does. ``add-target`` then creates
the target through the control plane like any user: it builds ``targetConfiguration.mcp.apiGateway`` from
the flags, asks for the names of selected methods that have no operation name when standard input is a
terminal (and fails, naming them and the flag to use, when it is not), and waits until the target is built.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from gatewright.cli.client import add_connection_args, control_client, emit, settings_of, wait_for

JSON = dict[str, Any]
DEFAULT_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_DONE = ("READY", "FAILED", "UPDATE_UNSUCCESSFUL", "SYNCHRONIZE_UNSUCCESSFUL")


class _Filter(argparse.Action):
    """``--path P`` starts a filter; ``--methods A,B`` sets the methods of the last one."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: str | None = None) -> None:
        filters: list[JSON] = getattr(namespace, "filters", None) or []
        if option_string == "--path":
            filters.append({"filterPath": values, "methods": None})
        elif not filters:
            parser.error("--methods must follow a --path")
        else:
            filters[-1]["methods"] = [m.strip().upper() for m in str(values).split(",") if m.strip()]
        namespace.filters = filters


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    apigw = sub.add_parser("apigateway", help="REST APIs of API Gateway (AWS, LocalStack, moto) as targets")
    asub = apigw.add_subparsers(dest="action", required=True)
    listing = asub.add_parser("list", help="REST APIs and their stages at the configured AWS endpoint")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=list_apis)

    add = asub.add_parser("add-target", help="add a REST API stage to a gateway as a target")
    add.add_argument("gateway_id")
    add.add_argument("--rest-api-id", required=True)
    add.add_argument("--stage", required=True)
    add.add_argument("--path", action=_Filter, dest="filters", help="a resource path or /prefix/* (repeat)")
    add.add_argument("--methods", action=_Filter, dest="filters", help="methods of the previous --path: GET,POST")
    add.add_argument("--name-override", action="append", default=[], metavar="'GET /pets=Name'")
    add.add_argument("--description-override", action="append", default=[], metavar="'GET /pets=Text'")
    add.add_argument("--name", help="target name (default: the REST API's name and the stage)")
    add.add_argument("--description")
    auth = add.add_mutually_exclusive_group()
    auth.add_argument("--api-key-provider", metavar="ARN", help="API_KEY outbound auth (sent as x-api-key)")
    auth.add_argument("--iam", action="store_true", help="GATEWAY_IAM_ROLE outbound auth (SigV4 execute-api)")
    auth.add_argument("--oauth-provider", metavar="ARN", help="OAUTH outbound auth (Cognito/Lambda authorizers)")
    add.add_argument("--scope", action="append", default=[], help="OAUTH scope (repeat)")
    add.add_argument("--no-wait", action="store_true")
    add_connection_args(add)
    add.set_defaults(func=add_target, filters=None)


def list_apis(args: argparse.Namespace) -> int:
    from gatewright.targets.apigateway.reader import ReadError, list_rest_apis

    try:
        apis = list_rest_apis(region=settings_of(args).region)
    except ReadError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    rows = [
        {
            "id": a["id"],
            "name": a.get("name", ""),
            "endpointTypes": (a.get("endpointConfiguration") or {}).get("types") or [],
            "stages": a["stages"],
        }
        for a in apis
    ]
    text = "\n".join(
        f"{r['id']}  {r['name']}  {','.join(r['endpointTypes'])}  stages: {', '.join(r['stages']) or '(none)'}"
        for r in rows
    )
    emit(args, rows, text or "(no REST APIs)")
    return 0


def _pairs(values: list[str], flag: str) -> dict[tuple[str, str], str]:
    out = {}
    for value in values:
        key, sep, text = value.partition("=")
        method, _, path = key.strip().partition(" ")
        if not sep or not path.strip() or not text.strip():
            raise SystemExit(f"error: {flag} {value!r}: expected 'METHOD /path=value'")
        out[(path.strip(), method.upper())] = text.strip()
    return out


def _filters(args: argparse.Namespace) -> list[JSON]:
    filters = args.filters or [{"filterPath": "/*", "methods": None}]
    return [{"filterPath": f["filterPath"], "methods": f["methods"] or list(DEFAULT_METHODS)} for f in filters]


def _ask(unnamed: list[str]) -> dict[tuple[str, str], str]:
    if not sys.stdin.isatty():
        raise SystemExit(
            "error: "
            + ", ".join(unnamed)
            + (" has" if len(unnamed) == 1 else " have")
            + " no operation name; name each with --name-override 'METHOD /path=Name'"
        )
    names = {}
    for item in unnamed:
        name = ""
        while not name:
            name = input(f"{item} has no operation name. Tool name: ").strip()
        method, _, path = item.partition(" ")
        names[(path, method)] = name
    return names


def _credentials(args: argparse.Namespace) -> list[JSON]:
    if args.api_key_provider:
        spec = {"providerArn": args.api_key_provider, "credentialParameterName": "x-api-key"}
        return [{"credentialProviderType": "API_KEY", "credentialProvider": {"apiKeyCredentialProvider": spec}}]
    if args.iam:
        return [{"credentialProviderType": "GATEWAY_IAM_ROLE"}]
    if args.oauth_provider:
        spec = {"providerArn": args.oauth_provider, "scopes": args.scope}
        return [{"credentialProviderType": "OAUTH", "credentialProvider": {"oauthCredentialProvider": spec}}]
    return []


def _tool_configuration(args: argparse.Namespace, api: Any, credentials: list[JSON]) -> JSON:
    from gatewright.targets.apigateway.select import plan

    names = _pairs(args.name_override, "--name-override")
    descriptions = _pairs(args.description_override, "--description-override")
    tools: JSON = {"toolFilters": _filters(args)}
    kind = credentials[0]["credentialProviderType"] if credentials else "NONE"
    unnamed = [
        item
        for item in plan(api, tools, kind, invoke_url_set=True).unnamed
        if (item.partition(" ")[2], item.partition(" ")[0]) not in names
    ]
    names |= _ask(unnamed) if unnamed else {}
    overrides = []
    for key in dict.fromkeys([*names, *descriptions]):
        override: JSON = {"path": key[0], "method": key[1]}
        if key in names:
            override["name"] = names[key]
        if key in descriptions:
            override["description"] = descriptions[key]
        overrides.append(override)
    if overrides:
        tools["toolOverrides"] = overrides
    return tools


def add_target(args: argparse.Namespace) -> int:
    from gatewright.targets.apigateway.reader import ReadError, read_rest_api
    from gatewright.targets.apigateway.select import Problem

    credentials = _credentials(args)
    try:
        api = read_rest_api(args.rest_api_id, args.stage, region=settings_of(args).region, full=False)
        tools = _tool_configuration(args, api, credentials)
    except (ReadError, Problem) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    control = control_client(args)
    params: JSON = {
        "gatewayIdentifier": args.gateway_id,
        "name": args.name or _target_name(api.name, args.stage),
        "targetConfiguration": {
            "mcp": {"apiGateway": {"restApiId": api.id, "stage": args.stage, "apiGatewayToolConfiguration": tools}}
        },
    }
    if args.description:
        params["description"] = args.description
    if credentials:
        params["credentialProviderConfigurations"] = credentials
    created = control.create_gateway_target(**params)
    target = created
    if not args.no_wait:
        target = wait_for(
            lambda: control.get_gateway_target(gatewayIdentifier=args.gateway_id, targetId=created["targetId"]), _DONE
        )
    out = {k: target.get(k) for k in ("targetId", "name", "status", "statusReasons")}
    lines = [f"{out['targetId']}  {out['name']}  {out['status']}", *(f"  {r}" for r in out["statusReasons"] or [])]
    emit(args, out, "\n".join(lines))
    return 0 if target["status"] in ("READY", "CREATING") else 1


def _target_name(api_name: str, stage: str) -> str:
    """A valid target name ([0-9a-zA-Z] and '-' in AgentCore's model) from the API's name and the stage."""
    base = re.sub(r"[^0-9A-Za-z]+", "-", f"{api_name}-{stage}").strip("-")
    return (base or "apigateway")[:100].rstrip("-")
