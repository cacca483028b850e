"""How gatewright authenticates to upstreams: one small auth object per credential kind.

Each object changes an :class:`~gatewright.upstream.http.OutboundRequest` in place (``apply``) and may be
asked to ``refresh`` after the upstream answered 401 (the request is then retried once).
"""
