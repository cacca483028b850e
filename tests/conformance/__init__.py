"""The official MCP conformance suite, run against real gateways (see tests/e2e/test_conformance.py)."""
