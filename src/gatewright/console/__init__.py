"""The web console (docs/console.md): static pages served at ``/console`` (``assets.py``) that talk to the
control plane and the gateways' MCP endpoints over HTTP like any client, plus the gatewright extension
operations it needs that the AgentCore API has no equivalent for (``operations.py``)."""
