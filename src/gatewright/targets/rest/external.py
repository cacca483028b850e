"""External ``$ref``s (``other.yaml#/Pet``, ``https://host/common.json#/...``): never fetched unless allowed.

With ``GATEWRIGHT_OPENAPI_REF_BASE_URLS`` empty (the default) nothing is fetched: such references stay
unresolved and the tools that need them are reported as degraded, so a spec cannot make the gateway
reach into its own network (no SSRF through specs). When the operator lists base URLs, a reference is
fetched only if its absolute URL (relative references resolve against the first base URL, or against
the document that holds them) is under one of them: same scheme and host, path below the base path, dot
segments resolved first; redirects are not followed. Fetched documents are embedded under
``x-gatewright-external`` and references are rewritten to local pointers, so the rest of the importer only
ever follows local references. At most :data:`MAX_DOCUMENTS` documents are fetched per import.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

from gatewright.targets.base import BuildError, TargetEnv
from gatewright.targets.sources import parse_document
from gatewright.upstream.http import UpstreamError

JSON = dict[str, Any]
KEY = "x-gatewright-external"
MAX_DOCUMENTS = 32


class Fetch(Protocol):
    async def __call__(self, url: str) -> bytes: ...


def allowed(url: str, bases: tuple[str, ...]) -> bool:
    target = urlsplit(url)
    if target.scheme not in ("http", "https") or target.username or target.password:
        return False
    for base in bases:
        root = urlsplit(base)
        prefix = root.path if root.path.endswith("/") else root.path + "/"
        same = (target.scheme, target.netloc.lower()) == (root.scheme, root.netloc.lower())
        if same and (target.path + "/").startswith(prefix):
            return True
    return False


def external_refs(node: Any, out: set[str]) -> set[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                out.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _rewrite(node: Any, base: str, docs: dict[str, str], local_prefix: str) -> Any:
    """``node`` with references pointing into the embedded documents (``docs``: URL -> key)."""
    if isinstance(node, list):
        return [_rewrite(v, base, docs, local_prefix) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            url, _, fragment = value.partition("#")
            if not url:
                out[key] = local_prefix + fragment if local_prefix else value
                continue
            absolute = urljoin(base, url) if base else url
            out[key] = f"#/{KEY}/{docs[absolute]}{fragment}" if absolute in docs else value
        else:
            out[key] = _rewrite(value, base, docs, local_prefix)
    return out


async def bundle(doc: JSON, bases: tuple[str, ...], fetch: Fetch) -> tuple[JSON, list[str]]:
    """``doc`` with allowed external documents embedded; and notes on references that were not fetched."""
    if not bases or not external_refs(doc, set()):
        return doc, []
    notes: list[str] = []
    docs: dict[str, str] = {}
    fetched: dict[str, tuple[str, Any]] = {}
    queue = [(ref, bases[0]) for ref in sorted(external_refs(doc, set()))]
    while queue:
        ref, base = queue.pop(0)
        url = urljoin(base, ref.partition("#")[0])
        if url in docs:
            continue
        if not allowed(url, bases):
            notes.append(f"external reference {url} is not under an allowed base URL; not fetched")
            continue
        if len(docs) >= MAX_DOCUMENTS:
            notes.append(f"more than {MAX_DOCUMENTS} external documents; {url} not fetched")
            continue
        docs[url] = quote(str(len(docs)), safe="")
        try:
            content = parse_document(await fetch(url), f"the external document {url}")
        except Exception as exc:  # noqa: BLE001 - any failure leaves the reference unresolved, reported
            notes.append(f"external reference {url} could not be read: {exc}")
            content = {}
        fetched[url] = (docs[url], content)
        queue.extend((r, url) for r in sorted(external_refs(content, set())))
    embedded = {key: _rewrite(content, url, docs, f"#/{KEY}/{key}") for url, (key, content) in fetched.items()}
    out = _rewrite(dict(doc), bases[0], docs, "")
    out[KEY] = embedded
    return out, notes


def spec_fetcher(env: TargetEnv) -> Fetch:
    """Fetches external documents with the pooled HTTP client, within the document size limit."""
    limit = env.settings.max_spec_bytes

    async def fetch(url: str) -> bytes:
        try:
            response = await env.http.request("GET", url, headers={"Accept": "application/json, application/yaml"})
        except UpstreamError as exc:
            raise BuildError([f"cannot fetch {url}: {exc.message}"]) from None
        if response.status != 200:
            raise BuildError([f"cannot fetch {url}: HTTP {response.status}"])
        if len(response.body) > limit:
            raise BuildError([f"{url} is larger than the {limit}-byte limit"])
        return response.body

    return fetch
