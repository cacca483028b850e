"""What a target lets through between the caller and the upstream (``metadataConfiguration``), and
whether it receives the caller's token (JWT_PASSTHROUGH). Header names match case-insensitively."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class Forwarding:
    request_headers: frozenset[str] = frozenset()
    query_parameters: frozenset[str] = frozenset()
    response_headers: frozenset[str] = frozenset()
    passthrough: bool = False

    @classmethod
    def from_doc(cls, doc: JSON) -> Forwarding:
        meta = doc.get("metadataConfiguration") or {}
        providers = doc.get("credentialProviderConfigurations") or []
        return cls(
            request_headers=frozenset(h.lower() for h in meta.get("allowedRequestHeaders") or []),
            query_parameters=frozenset(meta.get("allowedQueryParameters") or []),
            response_headers=frozenset(h.lower() for h in meta.get("allowedResponseHeaders") or []),
            passthrough=bool(providers) and providers[0].get("credentialProviderType") == "JWT_PASSTHROUGH",
        )

    def headers(self, incoming: Mapping[str, str]) -> dict[str, str]:
        if not self.request_headers:
            return {}
        return {name: value for name, value in incoming.items() if name in self.request_headers}

    def query(self, incoming: Mapping[str, str]) -> dict[str, str]:
        if not self.query_parameters:
            return {}
        return {name: value for name, value in incoming.items() if name in self.query_parameters}

    def returned(self, upstream: Mapping[str, str] | None) -> dict[str, str]:
        if not upstream or not self.response_headers:
            return {}
        return {name: value for name, value in upstream.items() if name.lower() in self.response_headers}


NOTHING = Forwarding()
