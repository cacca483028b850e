"""OpenAPI import benchmarks: gatewright against FastMCP's ``from_openapi`` on the same specs (README.md)."""
