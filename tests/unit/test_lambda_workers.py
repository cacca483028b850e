"""The local-function worker pool on its own: warm reuse, the concurrency cap, new versions, idle expiry."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from gatewright.targets.aws_lambda.local import LocalFunctions, find_function, list_functions

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
SLOW = """
import os, time

def handler(event, context):
    if event.get("mark"):
        open(event["mark"], "w").close()
    time.sleep(event.get("s", 0))
    return {"pid": os.getpid(), "version": VERSION}

VERSION = "v1"
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while alive(pid):
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "slow.py").write_text(SLOW)
    return tmp_path


@pytest.fixture
async def pool(folder: Path) -> AsyncIterator[LocalFunctions]:
    functions = LocalFunctions(
        folder, timeout=10.0, memory_mb=256, max_reply_bytes=1 << 20, max_workers=1, idle_seconds=30
    )
    yield functions
    await functions.aclose()


async def run(pool: LocalFunctions, name: str, event: dict[str, object]) -> dict[str, object]:
    code = pool.find(name)
    assert code is not None
    invocation = await pool.invoke(code, orjson.dumps(event), arn=ARN + name, region="us-east-1", client_context=None)
    assert invocation.error is None, invocation.error
    result: dict[str, object] = orjson.loads(invocation.payload or b"")
    return result


async def test_calls_wait_for_a_slot_and_reuse_the_warm_worker(pool: LocalFunctions) -> None:
    first, second = await asyncio.gather(run(pool, "slow", {"s": 0.3}), run(pool, "slow", {}))
    assert first["pid"] == second["pid"]  # one slot: the second call waited and got the same warm worker
    assert first["pid"] != os.getpid()


async def test_a_new_version_retires_the_old_workers(pool: LocalFunctions, folder: Path) -> None:
    old = await run(pool, "slow", {})
    (folder / "slow.py").write_text(SLOW.replace('"v1"', '"v2-longer"'))
    new = await run(pool, "slow", {})
    assert (old["version"], new["version"]) == ("v1", "v2-longer")
    assert new["pid"] != old["pid"]
    assert isinstance(old["pid"], int)
    assert await gone(old["pid"])


async def test_idle_workers_expire_and_aclose_stops_the_rest(folder: Path) -> None:
    functions = LocalFunctions(folder, timeout=10.0, memory_mb=256, max_reply_bytes=1 << 20, idle_seconds=0.1)
    first = await run(functions, "slow", {})
    assert isinstance(first["pid"], int)
    assert await gone(first["pid"])
    functions = LocalFunctions(folder, timeout=10.0, memory_mb=256, max_reply_bytes=1 << 20)
    second = await run(functions, "slow", {})
    assert isinstance(second["pid"], int)
    assert alive(second["pid"])
    await functions.aclose()
    assert await gone(second["pid"])


async def test_oversized_replies_are_errors(folder: Path) -> None:
    (folder / "big.py").write_text("def handler(event, context):\n    return 'x' * 5000\n")
    functions = LocalFunctions(folder, timeout=10.0, memory_mb=256, max_reply_bytes=1000)
    code = functions.find("big")
    assert code is not None
    invocation = await functions.invoke(code, b"{}", arn=ARN + "big", region="us-east-1", client_context=None)
    await functions.aclose()
    assert invocation.error is not None
    assert invocation.error["errorType"] == "Function.ResponseSizeTooLarge"


def test_finding_functions(folder: Path) -> None:
    (folder / "pkg").mkdir()
    (folder / "pkg" / "lambda_function.py").write_text("def lambda_handler(e, c):\n    return 1\n")
    (folder / "notes").mkdir()
    assert [f.name for f in list_functions(folder)] == ["pkg", "slow"]
    assert find_function(folder, "..") is None
    assert find_function(folder, "../slow") is None
    assert find_function(folder, "slow.py") is None
    found = find_function(folder, "pkg")
    assert found is not None
    assert found.task_root == folder / "pkg"


async def test_a_cancelled_call_kills_its_worker(pool: LocalFunctions, folder: Path) -> None:
    first = await run(pool, "slow", {})
    mark = folder / "started"
    call = asyncio.ensure_future(run(pool, "slow", {"s": 30, "mark": str(mark)}))
    deadline = asyncio.get_running_loop().time() + 10
    while not mark.exists():
        assert asyncio.get_running_loop().time() < deadline, "the call never started"
        await asyncio.sleep(0.02)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert isinstance(first["pid"], int)
    assert await gone(first["pid"])  # the warm worker that was running the cancelled call
    assert (await run(pool, "slow", {}))["pid"] != first["pid"]


async def test_a_warm_worker_that_died_is_replaced(pool: LocalFunctions) -> None:
    first = await run(pool, "slow", {})
    assert isinstance(first["pid"], int)
    os.kill(first["pid"], 9)
    assert await gone(first["pid"])
    second = await run(pool, "slow", {})
    assert second["pid"] != first["pid"]
