"""DNS-rebinding protection: which Host and Origin headers a request may carry.

* Bound to a loopback address, the gateway accepts Host ``localhost``, ``127.0.0.1`` and ``[::1]`` (any
  port), the host of ``GATEWRIGHT_PUBLIC_URL`` and ``GATEWRIGHT_ALLOWED_HOSTS``.
* Bound to all interfaces without a public URL or allowed hosts, any Host is accepted (the gateway
  cannot know its names) and a warning is logged at start-up.
* An ``Origin`` header, when present, must name an allowed host (or the request's own host when any host
  is allowed), or be listed in ``GATEWRIGHT_ALLOWED_ORIGINS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from gatewright.settings import Settings

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _hostname(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@dataclass(frozen=True)
class HostPolicy:
    # None: any host
    hosts: frozenset[str] | None
    origins: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> HostPolicy:
        origins = frozenset(o.rstrip("/").lower() for o in settings.allowed_origins)
        extra = {_hostname(h) for h in settings.allowed_hosts}
        if settings.public_url:
            extra.add((urlsplit(settings.public_url).hostname or "").lower())
        if settings.host in LOOPBACK or settings.host.startswith("127."):
            return cls(LOOPBACK | extra, origins)
        if extra:
            return cls(LOOPBACK | extra, origins)
        return cls(None, origins)

    def host_ok(self, host_header: str | None) -> bool:
        if self.hosts is None:
            return True
        return host_header is not None and _hostname(host_header) in self.hosts

    def origin_ok(self, origin: str | None, host_header: str | None) -> bool:
        if origin is None:
            return True
        origin = origin.rstrip("/").lower()
        if origin in self.origins:
            return True
        name = urlsplit(origin).hostname
        if name is None:
            return False
        if self.hosts is None:
            return host_header is not None and name == _hostname(host_header)
        return name in self.hosts
