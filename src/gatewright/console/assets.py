"""The console's page and static files: ``GET /console`` and ``GET /console/static/<file>``.

Every file under ``static/`` is read once at start-up into memory (a few hundred KB); nothing else on disk
can be reached, so there is no path to traverse. Each answer carries a strict Content-Security-Policy (only
this origin: no inline script or style, no third-party request, no framing), ``X-Frame-Options: DENY``,
``nosniff`` and ``no-referrer``, and an ETag so that a reload costs a 304.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from gatewright.web.asgi import Headers, Receive, Scope, Send, send, send_text

PREFIX = "/console"
STATIC = PREFIX + "/static/"
_ROOT = Path(__file__).parent / "static"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: Headers = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-cache"),
]


class _File:
    def __init__(self, body: bytes, content_type: str) -> None:
        self.body = body
        self.content_type = content_type.encode()
        self.etag = ('"' + hashlib.sha256(body).hexdigest()[:20] + '"').encode()


def _load(root: Path) -> dict[str, _File]:
    files = {}
    for path in sorted(root.rglob("*")):
        kind = _TYPES.get(path.suffix)
        if path.is_file() and kind is not None:
            files[path.relative_to(root).as_posix()] = _File(path.read_bytes(), kind)
    return files


def is_console_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class Console:
    """ASGI handler for every path under ``/console``."""

    def __init__(self, root: Path = _ROOT) -> None:
        self._files = _load(root)

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await send_text(send_, 405, "Method Not Allowed", [(b"allow", b"GET, HEAD"), *SECURITY_HEADERS])
            return
        found = self._files.get(_file_name(scope["path"]))
        if found is None:
            await send_text(send_, 404, "Not Found", list(SECURITY_HEADERS))
            return
        headers = [(b"content-type", found.content_type), (b"etag", found.etag), *SECURITY_HEADERS]
        if _header(scope, b"if-none-match") == found.etag:
            await send(send_, 304, b"", headers)
            return
        await send(send_, 200, found.body, headers)


def _file_name(path: str) -> str:
    if path in (PREFIX, PREFIX + "/"):
        return "index.html"
    return path[len(STATIC) :] if path.startswith(STATIC) else ""


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value)
    return None
