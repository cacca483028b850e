"""One spec through FastMCP's ``from_openapi`` (run with the peer venv's Python); prints one JSON line.

``import_s`` is ``FastMCP.from_openapi`` on the parsed document (plus the parse), ``list_s`` a tools/list
through FastMCP's in-memory client, ``list_mb`` the tools as JSON. Not part of gatewright: it runs in
benchmarks/.venv-peers (``pip install fastmcp``), never in the project's venv.
"""

import asyncio
import gzip
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def main(path: str) -> None:
    import httpx2
    import yaml
    from fastmcp import Client, FastMCP  # type: ignore[import-not-found]

    started = time.perf_counter()
    raw = Path(path).read_bytes()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        doc = json.loads(raw)
    except ValueError:
        doc = yaml.safe_load(raw)
    server = FastMCP.from_openapi(doc, client=httpx2.AsyncClient(base_url="http://127.0.0.1:9"))
    imported = time.perf_counter()

    async def listing() -> list[Any]:
        async with Client(server) as client:
            tools: list[Any] = await client.list_tools()
            return tools

    tools = asyncio.run(listing())
    payload = json.dumps([t.model_dump(mode="json", exclude_none=True) for t in tools])
    listed = time.perf_counter()
    print(
        json.dumps(
            {
                "tools": len(tools),
                "import_s": round(imported - started, 2),
                "list_s": round(listed - imported, 2),
                "total_s": round(listed - started, 2),
                "list_mb": round(len(payload) / 1e6, 1),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
