"""Logging set-up. Request headers and tokens are never logged anywhere in gatewright."""

from __future__ import annotations

import logging
import sys


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # botocore logs request details (including signed headers) at DEBUG: keep it quiet.
    logging.getLogger("botocore").setLevel(max(logging.INFO, root.level))
