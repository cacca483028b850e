"""The control plane's OAuth identity: the scope that opens it, and the audience its tokens carry.

The built-in issuer adds ``ADMIN_AUDIENCE`` to every token with ``ADMIN_SCOPE``; the control plane accepts
such tokens (control/access.py) and every gateway refuses them, whatever its own rules, so an admin token
never doubles as a token for the tools.
"""

from __future__ import annotations

ADMIN_SCOPE = "gatewright/admin"
ADMIN_AUDIENCE = "urn:gatewright:control-plane"
