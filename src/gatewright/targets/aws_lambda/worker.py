"""One worker process for one local function (the parent side of ``runtime.py``).

The worker is started with ``python -I`` (no ``PYTHON*`` variables, no user site-packages), a clean
environment (the gateway's settings and secrets are not passed on; AWS endpoint and region settings are,
plus the Lambda variables a function expects), the function's folder as working directory, and its own
session, so that killing it kills whatever it started too. What the function writes to stdout or stderr is
passed, line by line, to ``on_log``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

RUNTIME = str(Path(__file__).with_name("runtime.py"))
_PASSED = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "HOME", "TMPDIR", "AWS_REGION", "AWS_DEFAULT_REGION")
LINE_LIMIT = 4096

LogSink = Callable[[str, str], None]


@dataclass(frozen=True)
class FunctionCode:
    """A local function: the file that defines its handler, and the version of that file."""

    name: str
    path: Path
    task_root: Path
    version: tuple[int, int]

    @property
    def key(self) -> tuple[str, str, tuple[int, int]]:
        return (self.name, str(self.path), self.version)


class WorkerFailed(Exception):
    """The worker died, answered nonsense, or ran out of time; ``error`` is the Lambda-style error."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("errorMessage", ""))
        self.error = error


class WorkerGone(WorkerFailed):
    """The worker was dead before it got the request: nothing ran, so a new worker may take the call."""


def environment(code: FunctionCode, region: str, memory_mb: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _PASSED or k.startswith("AWS_ENDPOINT_URL")}
    env.update(
        AWS_LAMBDA_FUNCTION_NAME=code.name,
        AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(memory_mb),
        AWS_EXECUTION_ENV="gatewright_local_python",
        LAMBDA_TASK_ROOT=str(code.task_root),
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
    )
    return env


class Worker:
    def __init__(
        self, code: FunctionCode, arn: str, process: asyncio.subprocess.Process, pump: asyncio.Task[None]
    ) -> None:
        self.code = code
        # Warm workers are reused for the same code invoked under the same ARN (the context names the ARN).
        self.pool_key = (arn, code.key)
        self._process = process
        self._pump = pump
        self.idle_timer: asyncio.TimerHandle | None = None

    @classmethod
    async def start(cls, code: FunctionCode, *, arn: str, region: str, memory_mb: int, on_log: LogSink) -> Worker:
        spec = {"name": code.name, "path": str(code.path), "taskRoot": str(code.task_root), "arn": arn}
        spec_json = orjson.dumps(spec | {"memoryMb": memory_mb}).decode()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            RUNTIME,
            spec_json,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment(code, region, memory_mb),
            cwd=str(code.task_root),
            start_new_session=True,
        )
        assert process.stderr is not None
        pump = asyncio.get_running_loop().create_task(_pump_logs(code.name, process.stderr, on_log))
        return cls(code, arn, process, pump)

    async def call(self, request: dict[str, Any], max_reply: int) -> dict[str, Any]:
        """Send one invocation and read its reply; the caller bounds the time (asyncio.timeout)."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None
        assert stdout is not None
        data = orjson.dumps(request)
        try:
            stdin.write(struct.pack(">I", len(data)) + data)
            await stdin.drain()
        except ConnectionError:
            raise WorkerGone(await self._exit_error()) from None
        try:
            size = struct.unpack(">I", await stdout.readexactly(4))[0]
            if size > max_reply:
                raise WorkerFailed(
                    {
                        "errorType": "Function.ResponseSizeTooLarge",
                        "errorMessage": f"Response payload size ({size} bytes) exceeded the maximum of {max_reply}.",
                    }
                )
            reply: dict[str, Any] = orjson.loads(await stdout.readexactly(size))
        except (asyncio.IncompleteReadError, ConnectionError, orjson.JSONDecodeError):
            raise WorkerFailed(await self._exit_error()) from None
        return reply

    async def _exit_error(self) -> dict[str, Any]:
        try:
            code = await asyncio.wait_for(self._process.wait(), 2.0)
        except TimeoutError:
            code = None
        if code is not None and code < 0:
            reason = f"signal: {signal.Signals(-code).name.removeprefix('SIG').lower()}"
        else:
            reason = f"exit status {code}"
        return {"errorType": "Runtime.ExitError", "errorMessage": f"Runtime exited with error: {reason}"}

    @property
    def alive(self) -> bool:
        return self._process.returncode is None

    def kill(self) -> None:
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)

    async def close(self, *, force: bool = False) -> None:
        """Stop the worker: close its stdin (it exits) or kill it; always reap it."""
        if self.idle_timer is not None:
            self.idle_timer.cancel()
        if force:
            self.kill()
        elif self._process.stdin is not None and not self._process.stdin.is_closing():
            self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), 5.0)
        except TimeoutError:
            self.kill()
            await self._process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, signal.SIGKILL)  # anything the function left running
        await self._pump


async def _pump_logs(name: str, stream: asyncio.StreamReader, on_log: LogSink) -> None:
    buffer = b""
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            on_log(name, line[:LINE_LIMIT].decode("utf-8", "replace").rstrip("\r"))
        if len(buffer) > LINE_LIMIT:
            on_log(name, buffer[:LINE_LIMIT].decode("utf-8", "replace"))
            buffer = b""
    if buffer:
        on_log(name, buffer[:LINE_LIMIT].decode("utf-8", "replace"))
