"""The stage's invoke URL: ``https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}``.

``GATEWRIGHT_APIGATEWAY_INVOKE_URL`` replaces it with a template using the same three placeholders, for
LocalStack (``http://localhost:4566/restapis/{restApiId}/{stage}/_user_request_``), a custom domain, or a
local stand-in of the stage in tests. It is read when a target is loaded, so changing it needs no rebuild.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

DEFAULT_INVOKE_URL = "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}"


class InvokeUrlError(ValueError):
    pass


def invoke_url(template: str, *, rest_api_id: str, region: str, stage: str) -> str:
    """The base URL calls go to (no trailing slash); InvokeUrlError when it is not an absolute http(s) URL."""
    url = (template or DEFAULT_INVOKE_URL).strip()
    for name, value in (("restApiId", rest_api_id), ("region", region), ("stage", stage)):
        url = url.replace("{" + name + "}", quote(value, safe=""))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in url:
        raise InvokeUrlError(
            f"GATEWRIGHT_APIGATEWAY_INVOKE_URL gives {url!r}: expected an absolute http(s) URL whose only "
            "placeholders are {restApiId}, {region} and {stage}"
        )
    return url.rstrip("/")
