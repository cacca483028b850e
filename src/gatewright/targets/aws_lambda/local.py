"""Local functions: Lambda-style handlers in a folder, run in worker processes, never in the gateway.

A function named ``orders`` is ``<folder>/orders.py`` or a folder ``<folder>/orders/`` holding
``lambda_function.py`` (AWS's default file name); its handler is ``handler`` or ``lambda_handler``.

Each invocation runs in a worker process with a timeout (the worker is killed when it passes) and an
address-space cap; a crash, a timeout or an exception is the invocation's error. Workers stay warm for
the next call of the same function, like a Lambda execution environment (module state survives between
calls): at most ``keep_idle`` per function, each for ``idle_seconds``. A worker that failed in any way is
never reused, and editing the handler file retires the warm workers of the old version. At most
``max_workers`` invocations run at once; the others wait, within their own timeout, for a free slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from pathlib import Path
from typing import Any

from gatewright.targets.aws_lambda.result import Invocation
from gatewright.targets.aws_lambda.worker import FunctionCode, LogSink, Worker, WorkerFailed, WorkerGone

JSON = dict[str, Any]
log = logging.getLogger("gatewright.functions")
NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$")
FOLDER_HANDLER = "lambda_function.py"


def valid_name(name: str) -> bool:
    return bool(NAME.match(name)) and ".." not in name and not name.endswith(".py")


def find_function(directory: Path, name: str) -> FunctionCode | None:
    if not valid_name(name):
        return None
    for path, root in ((directory / f"{name}.py", directory), (directory / name / FOLDER_HANDLER, directory / name)):
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            return FunctionCode(name, path, root, (stat.st_mtime_ns, stat.st_size))
    return None


def list_functions(directory: Path) -> list[FunctionCode]:
    if not directory.is_dir():
        return []
    names = {p.stem if p.suffix == ".py" else p.name for p in directory.iterdir() if not p.name.startswith(".")}
    found = (find_function(directory, n) for n in sorted(names))
    return [f for f in found if f is not None]


def _log_line(name: str, line: str) -> None:
    log.info("function %s: %s", name, line)


class LocalFunctions:
    def __init__(
        self,
        directory: Path,
        *,
        timeout: float,
        memory_mb: int,
        max_reply_bytes: int,
        max_workers: int = 16,
        keep_idle: int = 2,
        idle_seconds: float = 300.0,
        on_log: LogSink = _log_line,
    ) -> None:
        self.directory = directory
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._max_reply = max_reply_bytes
        self._slots = asyncio.Semaphore(max_workers)
        self._keep_idle = keep_idle
        self._idle_seconds = idle_seconds
        self._on_log = on_log
        self._idle: dict[tuple[str, tuple[str, str, tuple[int, int]]], list[Worker]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def find(self, name: str) -> FunctionCode | None:
        return find_function(self.directory, name)

    async def invoke(
        self, code: FunctionCode, event: bytes, *, arn: str, region: str, client_context: JSON | None
    ) -> Invocation:
        request: JSON = {"event": event.decode(), "requestId": str(uuid.uuid4()), "clientContext": client_context}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        acquired = False
        worker: Worker | None = None
        try:
            async with asyncio.timeout_at(deadline):
                await self._slots.acquire()
                acquired = True
                worker = self._take_idle((arn, code.key))
                warm = worker is not None
                if worker is None:
                    worker = await self._start(code, arn, region)
                request["timeoutMs"] = max(1, int((deadline - loop.time()) * 1000))
                try:
                    reply = await worker.call(request, self._max_reply)
                except WorkerGone:
                    if not warm:
                        raise
                    self._retire(worker, force=True)  # a warm worker that died unnoticed: take a new one
                    worker = None
                    worker = await self._start(code, arn, region)
                    reply = await worker.call(request, self._max_reply)
        except TimeoutError:
            if not acquired:
                return Invocation(error={"errorType": "TooManyRequestsException", "errorMessage": "Rate exceeded"})
            self._retire(worker, force=True)
            message = f"Task timed out after {self.timeout:.2f} seconds"
            return Invocation(error={"errorType": "Sandbox.Timedout", "errorMessage": message})
        except WorkerFailed as exc:
            self._retire(worker, force=True)
            return Invocation(error=exc.error)
        except OSError as exc:  # the worker could not be started
            self._retire(worker, force=True)
            return Invocation(error={"errorType": "Runtime.StartError", "errorMessage": str(exc)})
        except asyncio.CancelledError:  # the caller went away mid-call: the worker's state is unknown
            self._retire(worker, force=True)
            raise
        finally:
            if acquired:
                self._slots.release()
        if reply.get("fatal") or "payload" not in reply:
            self._retire(worker, force=bool(reply.get("fatal")))
        else:
            self._keep(worker)
        if "payload" in reply:
            return Invocation(payload=str(reply["payload"]).encode())
        return Invocation(error=reply.get("error") or {"errorType": "Unknown", "errorMessage": "no reply"})

    async def _start(self, code: FunctionCode, arn: str, region: str) -> Worker:
        return await Worker.start(code, arn=arn, region=region, memory_mb=self.memory_mb, on_log=self._on_log)

    def _take_idle(self, key: tuple[str, tuple[str, str, tuple[int, int]]]) -> Worker | None:
        workers = self._idle.get(key) or []
        while workers:
            worker = workers.pop()
            if worker.idle_timer is not None:
                worker.idle_timer.cancel()
                worker.idle_timer = None
            if worker.alive:
                return worker
            self._retire(worker)  # died while idle: reap it, start another
        return None

    def _keep(self, worker: Worker | None) -> None:
        if worker is None:
            return
        workers = self._idle.setdefault(worker.pool_key, [])
        if len(workers) >= self._keep_idle:
            self._retire(worker)
            return
        workers.append(worker)
        worker.idle_timer = asyncio.get_running_loop().call_later(self._idle_seconds, self._expire, worker)
        code = worker.code
        for key in [k for k in self._idle if k[1][0] == code.name and k[1] != code.key]:
            for old in self._idle.pop(key):
                self._retire(old)  # an older version of the function

    def _expire(self, worker: Worker) -> None:
        workers = self._idle.get(worker.pool_key, [])
        if worker in workers:
            workers.remove(worker)
            self._retire(worker)

    def _retire(self, worker: Worker | None, *, force: bool = False) -> None:
        if worker is None:
            return
        if force:
            worker.kill()
        task = asyncio.get_running_loop().create_task(worker.close(force=force))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        for workers in self._idle.values():
            for worker in workers:
                self._retire(worker)
        self._idle.clear()
        with contextlib.suppress(Exception):
            await asyncio.gather(*list(self._closing), return_exceptions=True)
