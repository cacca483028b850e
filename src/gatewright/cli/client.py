"""The CLI's control-plane client: plain boto3, signed with the admin key pair, like any user's code."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from gatewright.admin import read_or_create
from gatewright.settings import Settings


def add_connection_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint-url", help="gatewright URL (default: GATEWRIGHT_PUBLIC_URL or host:port)")
    parser.add_argument("--data-dir", help="where the admin credentials are (default ./data)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def settings_of(args: argparse.Namespace) -> Settings:
    return Settings.load(data_dir=getattr(args, "data_dir", None))


def control_client(args: argparse.Namespace) -> Any:
    import boto3

    settings = settings_of(args)
    creds = read_or_create(settings)
    return boto3.client(
        "bedrock-agentcore-control",
        endpoint_url=args.endpoint_url or settings.base_url,
        region_name=settings.region,
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
    )


def emit(args: argparse.Namespace, value: Any, text: str | None = None) -> None:
    if getattr(args, "json", False) or text is None:
        print(json.dumps(value, indent=2, default=str))
    else:
        print(text)


def wait_for(get: Any, done: tuple[str, ...], timeout: float = 120.0) -> dict[str, Any]:
    """Poll ``get()`` until its status is not transitional; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        item: dict[str, Any] = get()
        if item["status"] in done:
            return item
        if time.monotonic() > deadline:
            print(f"still {item['status']} after {timeout:.0f}s", file=sys.stderr)
            return item
        time.sleep(0.2)
