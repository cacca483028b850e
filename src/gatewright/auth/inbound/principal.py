"""Who is calling a gateway, once an inbound authorizer has accepted the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Principal:
    """``key`` identifies the caller (``sub`` of a JWT, an access key id); sessions are bound to it.

    ``token`` is the caller's bearer token, kept only so that a target that asks for passthrough can
    forward it; it is never logged or shown.
    """

    key: str
    claims: dict[str, Any] | None = None
    token: str | None = None

    def __repr__(self) -> str:
        return f"Principal(key={self.key!r})"


ANONYMOUS = Principal("anonymous")
