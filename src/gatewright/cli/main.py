"""The ``gatewright`` command."""

from __future__ import annotations

import argparse
import sys

from gatewright import __version__
from gatewright.cli import admin, apigateway, functions, gateways, identity, openapi, search, serve
from gatewright.demo import petstore


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="gatewright", description="A self-hosted MCP gateway.")
    root.add_argument("--version", action="version", version=f"gatewright {__version__}")
    sub = root.add_subparsers(dest="command", required=True)
    serve.add_parser(sub)
    petstore.add_parser(sub)
    admin.add_parser(sub)
    gateway_sub = gateways.add_parsers(sub)
    identity.add_parsers(sub, gateway_sub)
    openapi.add_parsers(sub)  # after gateways: adds `target report`
    apigateway.add_parsers(sub)
    functions.add_parsers(sub)
    search.add_parser(sub)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        import urllib.error

        from botocore.exceptions import ClientError, EndpointConnectionError

        from gatewright.cli.signed import ApiError

        if isinstance(exc, ApiError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if isinstance(exc, urllib.error.URLError):
            print(f"error: cannot reach the gateway: {exc.reason}", file=sys.stderr)
            return 1
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            print(f"error: {error.get('Code')}: {error.get('Message')}", file=sys.stderr)
            return 1
        if isinstance(exc, EndpointConnectionError):
            print(f"error: cannot reach the gateway: {exc}", file=sys.stderr)
            return 1
        raise
    return code


if __name__ == "__main__":
    sys.exit(main())
