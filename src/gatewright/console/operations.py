"""gatewright extension operations that the console needs (any control-plane client may use them; same
authentication as every control-plane request, ``control/app.py``):

GET  /gatewright/target-kinds                                               the target kinds and their outbound auth
GET  /gatewright/apigateway/restapis                                        REST APIs and their stage names
GET  /gatewright/apigateway/restapis/{restApiId}/stages                     the stages of one REST API
GET  /gatewright/apigateway/restapis/{restApiId}/stages/{stage}/operations  every method of the stage
POST /gatewright/openapi/check                                              an OpenAPI import report; creates nothing

API Gateway is read with the gatewright process's AWS settings through ``targets/apigateway/reader.py``, exactly
as a target's build reads it. The OpenAPI check runs the importer on a posted document (``document``: JSON or
YAML text) or on one fetched by the server (``url``), as ``gatewright openapi check`` does offline: same parser,
same importer, same limits. External ``$ref`` documents are only fetched when the target is built.
"""

from __future__ import annotations

import asyncio
from typing import Any

from gatewright.control.common import ControlContext
from gatewright.control.extensions import Extension
from gatewright.errors import ValidationError
from gatewright.targets.apigateway.reader import ReadError, list_rest_apis, list_stages, read_rest_api
from gatewright.targets.base import BuildError, TargetEnv
from gatewright.targets.rest.external import spec_fetcher
from gatewright.targets.rest.importer import ImportLimits, import_document
from gatewright.targets.sources import parse_document

JSON = dict[str, Any]
APIS = "/gatewright/apigateway/restapis"


async def target_kinds(ctx: ControlContext, params: JSON) -> JSON:
    kinds = [
        {"configKey": k.config_key, "targetType": k.target_type, "credentialTypes": sorted(k.credential_types)}
        for k in ctx.kinds
    ]
    return {"items": kinds}


def _invalid(exc: ReadError) -> ValidationError:
    return ValidationError.for_field(exc.field.rsplit(".", 1)[-1], exc.message)


async def rest_apis(ctx: ControlContext, params: JSON) -> JSON:
    try:
        apis = await asyncio.to_thread(list_rest_apis, region=ctx.settings.region)
    except ReadError as exc:
        raise _invalid(exc) from None
    items = [
        {
            "id": a["id"],
            "name": a.get("name", ""),
            "description": a.get("description", ""),
            "endpointTypes": (a.get("endpointConfiguration") or {}).get("types") or [],
            "stages": a["stages"],
        }
        for a in apis
    ]
    return {"items": items}


async def stages(ctx: ControlContext, params: JSON) -> JSON:
    try:
        found = await asyncio.to_thread(list_stages, params["restApiId"], region=ctx.settings.region)
    except ReadError as exc:
        raise _invalid(exc) from None
    return {"restApiId": params["restApiId"], "items": found}


async def operations(ctx: ControlContext, params: JSON) -> JSON:
    """Every method of the stage: path, HTTP method, operation name (or null), authorization, deployed."""
    settings = ctx.settings
    try:
        api = await asyncio.to_thread(
            read_rest_api,
            params["restApiId"],
            params["stage"],
            region=settings.region,
            connect_timeout=settings.upstream_connect_timeout_seconds,
            read_timeout=settings.upstream_timeout_seconds,
            full=False,
        )
    except ReadError as exc:
        raise _invalid(exc) from None
    items = [
        {
            "path": resource.path,
            "httpMethod": verb,
            "operationName": method.operation_name,
            "authorizationType": method.authorization_type,
            "apiKeyRequired": method.api_key_required,
            "deployed": api.deployed is None or bool({verb, "ANY"} & api.deployed.get(resource.path, set())),
        }
        for resource in sorted(api.resources, key=lambda r: r.path)
        for verb, method in sorted(resource.methods.items())
    ]
    return {
        "restApiId": api.id,
        "name": api.name,
        "stage": api.stage,
        "endpointTypes": api.endpoint_types,
        "operations": items,
    }


def openapi_check(env: TargetEnv) -> Any:
    fetch = spec_fetcher(env)

    async def check(ctx: ControlContext, params: JSON) -> JSON:
        name = str(params.get("name") or "api")
        document, url = params.get("document"), params.get("url")
        try:
            if isinstance(document, str) and document.strip():
                raw = document.encode()
            elif isinstance(url, str) and url.startswith(("http://", "https://")):
                raw = await fetch(url)
            else:
                raise ValidationError.for_field("document", "post document (JSON or YAML text) or an http(s) url")
            doc = await asyncio.to_thread(parse_document, raw, "the OpenAPI document")
            artifact = await asyncio.to_thread(
                import_document, doc, target_name=name, limits=ImportLimits.from_settings(ctx.settings)
            )
        except BuildError as exc:
            raise ValidationError("The document cannot be imported: " + "; ".join(exc.reasons)) from None
        out: JSON = {
            "report": artifact.report or {},
            "tools": [{"name": t.name, "description": t.description} for t in artifact.tools],
            "notes": artifact.notes,
        }
        if document is None or not str(document).strip():
            out["document"] = raw.decode("utf-8", "replace")
        return out

    return check


def console_extensions(env: TargetEnv) -> list[Extension]:
    return [
        Extension("ListTargetKinds", "GET", "/gatewright/target-kinds", target_kinds),
        Extension("ListRestApis", "GET", APIS, rest_apis),
        Extension("ListRestApiStages", "GET", f"{APIS}/{{restApiId}}/stages", stages),
        Extension("ListRestApiOperations", "GET", f"{APIS}/{{restApiId}}/stages/{{stage}}/operations", operations),
        Extension("CheckOpenApiDocument", "POST", "/gatewright/openapi/check", openapi_check(env)),
    ]
