"""``gatewright serve``: run the gateway (control plane and MCP endpoints) on one port."""

from __future__ import annotations

import argparse
import logging

from gatewright.observability.logs import configure_logging
from gatewright.settings import Settings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="run the gateway on its embedded defaults or GATEWRIGHT_* settings")
    parser.add_argument("--host", help="address to listen on (GATEWRIGHT_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (GATEWRIGHT_PORT, default 8080)")
    parser.add_argument("--data-dir", help="state folder for SQLite and keys (GATEWRIGHT_DATA_DIR, default ./data)")
    parser.add_argument("--database-url", help="postgresql://... to share state between processes")
    parser.add_argument("--public-url", help="the URL clients use to reach this gateway")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from gatewright.app import GatewrightApp

    settings = Settings.load(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        database_url=args.database_url,
        public_url=args.public_url,
    )
    configure_logging(settings.log_level)
    app = GatewrightApp(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
        proxy_headers=False,
        server_header=False,
    )
    logging.getLogger("gatewright").info("starting on %s (data in %s)", settings.base_url, settings.data_dir)
    uvicorn.Server(config).run()
    return 0
