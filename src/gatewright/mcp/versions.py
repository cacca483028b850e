"""MCP protocol versions this gateway speaks, and how a version is chosen."""

from __future__ import annotations

from collections.abc import Sequence

# Handshake versions (initialize + optional session) and the stateless 2026-07-28 revision.
HANDSHAKE_VERSIONS = ("2025-03-26", "2025-06-18", "2025-11-25")
MODERN_VERSIONS = ("2026-07-28",)
SUPPORTED_VERSIONS = HANDSHAKE_VERSIONS + MODERN_VERSIONS
# Older handshake versions still routed to the handshake wire when a client names them in the header.
LEGACY_VERSIONS = ("2024-11-05", *HANDSHAKE_VERSIONS)
# What a request without an MCP-Protocol-Version header is assumed to speak (the spec's rule).
DEFAULT_VERSION = "2025-03-26"


def negotiate(requested: object, allowed: Sequence[str]) -> str:
    """The version to answer an ``initialize`` with: the client's if allowed, else our newest handshake one."""
    handshake = [v for v in allowed if v in HANDSHAKE_VERSIONS] or list(HANDSHAKE_VERSIONS)
    if isinstance(requested, str) and requested in handshake:
        return requested
    return handshake[-1]


def is_modern(version: str | None) -> bool:
    return version is not None and version in MODERN_VERSIONS


def is_handshake_header(header: str | None) -> bool:
    """Whether a request's ``MCP-Protocol-Version`` header selects the handshake wire (absent counts)."""
    return header is None or header in LEGACY_VERSIONS


def modern_supported(allowed: Sequence[str]) -> list[str]:
    """The stateless versions a gateway speaks: what ``server/discover`` lists."""
    return [v for v in allowed if v in MODERN_VERSIONS]


def unsupported_hint(allowed: Sequence[str]) -> list[str]:
    """``data.supported`` of an UnsupportedProtocolVersion (-32022) error.

    The stateless versions the gateway speaks, so that the list is a subset of what ``server/discover``
    advertises; a gateway that speaks none names its handshake versions instead, which tells a client to
    fall back to ``initialize``.
    """
    return modern_supported(allowed) or [v for v in allowed if v in LEGACY_VERSIONS]
