"""Which methods of a stage become tools: filters, overrides, names, and what the target can authenticate.

* ``toolFilters``: ``filterPath`` is a resource path (``/pets``) or a prefix wildcard (``/pets/*``: every
  path under ``/pets``); each filter lists its methods. An exact path must exist and have every listed
  method (an ``ANY`` method counts); a wildcard must select at least one method. Overlapping filters select a
  method once, in the API's resource order.
* ``toolOverrides``: the name (and optionally the description) of one selected path + method.
* Every selected method needs a name: its operation name or an override; otherwise :class:`Problem`
  naming every such method (``GET /pets``).
* A selected method the target cannot call is *excluded* with its reason (``Selection.excluded``): not
  deployed to the stage, a greedy ``{proxy+}`` path, or an authorization the target's outbound auth does not
  match. AgentCore's rules plus one extension: a Cognito user pool or Lambda (CUSTOM) authorizer is callable
  when the target sends a bearer token (OAUTH or JWT_PASSTHROUGH) in the ``Authorization`` header the
  authorizer reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gatewright.targets.apigateway.reader import Method, Resource, RestApi

JSON = dict[str, Any]
_BASE = "targetConfiguration.mcp.apiGateway"
TOOLS = f"{_BASE}.apiGatewayToolConfiguration"
BEARER = frozenset({"OAUTH", "JWT_PASSTHROUGH"})
_AUTHORIZER_NAMES = {"COGNITO_USER_POOLS": "a Cognito user pool authorizer", "CUSTOM": "a Lambda authorizer"}


class Problem(Exception):
    """The configuration does not fit the REST API; ``field`` is the configuration field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Selected:
    path: str
    method: str
    source: Method  # the method as API Gateway has it (its http_method is ANY for an ANY method)
    name: str
    description: str | None = None  # from an override
    # Whether calls carry the target's outbound credentials (only methods whose authorization needs them).
    credentials: bool = False


@dataclass
class Selection:
    operations: list[Selected] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # "GET /admin: why"
    unnamed: list[str] = field(default_factory=list)  # "GET /pets": neither an operation name nor an override


def _method_of(resource: Resource, method: str) -> Method | None:
    return resource.methods.get(method) or resource.methods.get("ANY")


def _filtered(api: RestApi, filters: list[JSON]) -> dict[tuple[str, str], Method]:
    chosen: dict[tuple[str, str], Method] = {}
    by_path = {r.path: r for r in api.resources}
    for i, flt in enumerate(filters):
        where = f"{TOOLS}.toolFilters[{i}]"
        path, methods = str(flt["filterPath"]), [str(m).upper() for m in flt["methods"]]
        if path.endswith("/*"):
            prefix = path[:-1]
            found = [
                ((r.path, m), hit)
                for r in api.resources
                if r.path.startswith(prefix)
                for m in methods
                if (hit := _method_of(r, m)) is not None
            ]
            if not found:
                raise Problem(
                    f"{where}.filterPath",
                    f"{path} selects no method ({', '.join(methods)}) of REST API {api.id}",
                )
        else:
            resource = by_path.get(path)
            if resource is None:
                raise Problem(f"{where}.filterPath", f"REST API {api.id} has no resource {path}")
            found = []
            for m in methods:
                hit = _method_of(resource, m)
                if hit is None:
                    raise Problem(f"{where}.methods", f"REST API {api.id} has no method {m} {path}")
                found.append(((path, m), hit))
        for key, hit in found:
            chosen.setdefault(key, hit)
    order = {r.path: n for n, r in enumerate(api.resources)}
    return dict(sorted(chosen.items(), key=lambda item: order.get(item[0][0], 0)))


def _overrides(raw: list[JSON], chosen: dict[tuple[str, str], Method]) -> dict[tuple[str, str], JSON]:
    out: dict[tuple[str, str], JSON] = {}
    for j, override in enumerate(raw):
        key = (str(override["path"]), str(override["method"]).upper())
        where = f"{TOOLS}.toolOverrides[{j}]"
        if key not in chosen:
            raise Problem(where, f"{key[1]} {key[0]} is not selected by toolFilters")
        if key in out:
            raise Problem(where, f"{key[1]} {key[0]} has more than one override")
        out[key] = override
    return out


def _bearer_source(api: RestApi, method: Method) -> str | None:
    """Why a bearer token cannot reach the method's authorizer, or None when it can."""
    authorizer = api.authorizers.get(method.authorizer_id or "")
    if authorizer is None:
        return None  # unknown to us: API Gateway's default identity source is the Authorization header
    source = str(authorizer.get("identitySource") or "method.request.header.Authorization")
    if source.strip().lower() != "method.request.header.authorization":
        return f"its authorizer {authorizer.get('name', '')} reads {source}, not the Authorization header"
    return None


# What a method's authorization needs: the outbound auth types that satisfy it, and what to say otherwise.
_NEEDS: dict[str, tuple[frozenset[str], str]] = {
    "AWS_IAM": (frozenset({"GATEWAY_IAM_ROLE"}), "it uses AWS_IAM authorization: give the target GATEWAY_IAM_ROLE"),
    "COGNITO_USER_POOLS": (
        BEARER,
        "it uses a Cognito user pool authorizer: give the target OAUTH (or JWT_PASSTHROUGH)",
    ),
    "CUSTOM": (BEARER, "it uses a Lambda authorizer: give the target OAUTH (or JWT_PASSTHROUGH)"),
    "API_KEY": (frozenset({"API_KEY"}), "it requires an API key: give the target API_KEY (header x-api-key)"),
}


def credential_need(api: RestApi, method: Method, credential_type: str) -> tuple[bool, str | None]:
    """(send the target's credentials, why the target cannot call the method or None)."""
    auth = method.authorization_type
    if method.api_key_required and auth != "NONE":
        what = "AWS_IAM authorization" if auth == "AWS_IAM" else _AUTHORIZER_NAMES.get(auth, auth)
        return False, f"it requires both {what} and an API key (a target has one credential provider)"
    requirement = "API_KEY" if method.api_key_required else auth
    if requirement == "NONE":
        return False, None
    if requirement not in _NEEDS:
        return False, f"its authorization type {auth} is not supported"
    allowed, why = _NEEDS[requirement]
    if credential_type not in allowed:
        return False, why + " outbound auth"
    return True, _bearer_source(api, method) if allowed is BEARER else None


def _excluded(api: RestApi, path: str, method: str, source: Method, credential_type: str) -> tuple[bool, str | None]:
    deployed = api.deployed.get(path, set()) if api.deployed is not None else {method}
    if method not in deployed and "ANY" not in deployed:
        return False, f"it is not deployed to stage {api.stage} (deploy the API again)"
    if "+}" in path:
        return False, "greedy path variables ({proxy+}) cannot become tools"
    return credential_need(api, source, credential_type)


def plan(api: RestApi, tool_configuration: JSON, credential_type: str, *, invoke_url_set: bool) -> Selection:
    """What the configuration selects, with the methods still without a name; Problem when it does not fit.

    ``invoke_url_set``: GATEWRIGHT_APIGATEWAY_INVOKE_URL is set, so a disabled default endpoint is no obstacle.
    """
    if "PRIVATE" in api.endpoint_types:
        raise Problem(
            f"{_BASE}.restApiId", f"REST API {api.id} is PRIVATE: only EDGE and REGIONAL REST APIs can be targets"
        )
    if api.execute_api_disabled and not invoke_url_set:
        raise Problem(
            f"{_BASE}.restApiId",
            f"REST API {api.id} has its default execute-api endpoint disabled, which is the one the gateway calls "
            "(GATEWRIGHT_APIGATEWAY_INVOKE_URL can name another)",
        )
    chosen = _filtered(api, list(tool_configuration.get("toolFilters") or []))
    overrides = _overrides(list(tool_configuration.get("toolOverrides") or []), chosen)
    selection = Selection()
    for (path, method), source in chosen.items():
        credentials, why = _excluded(api, path, method, source, credential_type)
        if why is not None:
            selection.excluded.append(f"{method} {path}: {why}")
            continue
        override = overrides.get((path, method)) or {}
        name = str(override.get("name") or source.operation_name or "")
        if not name:
            selection.unnamed.append(f"{method} {path}")
            continue
        description = override.get("description")
        selection.operations.append(
            Selected(path, method, source, name, description if isinstance(description, str) else None, credentials)
        )
    return selection


def select(api: RestApi, tool_configuration: JSON, credential_type: str, *, invoke_url_set: bool) -> Selection:
    """The tools of ``api`` for a target's ``apiGatewayToolConfiguration``; Problem when it does not fit."""
    selection = plan(api, tool_configuration, credential_type, invoke_url_set=invoke_url_set)
    unnamed = selection.unnamed
    if unnamed:
        raise Problem(
            f"{TOOLS}.toolOverrides",
            f"{', '.join(unnamed)} {'has' if len(unnamed) == 1 else 'have'} no operation name: "
            "add a toolOverrides entry (name, path, method) for each",
        )
    if not selection.operations:
        raise Problem(TOOLS, "no selected method can become a tool: " + "; ".join(selection.excluded))
    return selection
