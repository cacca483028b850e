"""``gatewright admin credentials``: the key pair that signs control-plane requests."""

from __future__ import annotations

import argparse
import json

from gatewright.admin import read_or_create
from gatewright.settings import Settings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = sub.add_parser("admin", help="administration")
    asub = admin.add_subparsers(dest="action", required=True)
    creds = asub.add_parser("credentials", help="print the admin access key pair (creating it if needed)")
    creds.add_argument("--data-dir")
    creds.add_argument("--json", action="store_true")
    creds.set_defaults(func=credentials)
    rotate = asub.add_parser("rotate-master-key", help="add a new master key and re-encrypt every stored secret")
    rotate.add_argument("--data-dir")
    rotate.add_argument("--database-url", help="postgresql://... when the state is in PostgreSQL")
    rotate.set_defaults(func=rotate_master_key)


def credentials(args: argparse.Namespace) -> int:
    creds = read_or_create(Settings.load(data_dir=args.data_dir))
    if args.json:
        print(json.dumps(creds))
    else:
        print(f"AWS_ACCESS_KEY_ID={creds['accessKeyId']}\nAWS_SECRET_ACCESS_KEY={creds['secretAccessKey']}")
    return 0


def rotate_master_key(args: argparse.Namespace) -> int:
    import asyncio

    from gatewright.admin import rotate_master_key as rotate

    counts = asyncio.run(rotate(Settings.load(data_dir=args.data_dir, database_url=args.database_url)))
    print("re-encrypted: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    return 0
