"""The processes of a run: the upstream and ``gatewright serve``, each pinned to its core, and their RSS.

Pinning uses ``taskset`` (util-linux) when it is installed, else ``os.sched_setaffinity`` on the child
right after it starts (before it creates threads). ``cpus=None`` leaves a process unpinned.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Process = subprocess.Popen[bytes]
REPO = Path(__file__).resolve().parents[1]  # children run from the repository root (python -m benchmarks...)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.01) -> float:
    """Poll ``check`` until it is true; returns the seconds waited (raises TimeoutError)."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
    return time.monotonic() - start


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def pin(pid: int, cpus: set[int] | None) -> None:
    if cpus is not None:
        os.sched_setaffinity(pid, cpus)


@contextlib.contextmanager
def raised_priority(level: int) -> Iterator[None]:
    """Nice -``level`` for this process and the children it starts (root only), for the block.

    With ``sched_autogroup`` (on by default in many kernels) the scheduler first shares a core fairly between
    sessions, so the nice value of this session's autogroup is lowered too, and put back afterwards.
    """
    if level <= 0:
        yield
        return
    autogroup = Path("/proc/self/autogroup")
    previous = autogroup.read_text().rsplit("nice", 1)[1].strip() if autogroup.exists() else None
    os.setpriority(os.PRIO_PROCESS, 0, -level)
    if previous is not None:
        autogroup.write_text(f"{-level}\n")
    try:
        yield
    finally:
        if previous is not None:
            autogroup.write_text(f"{previous}\n")


def spawn(
    argv: Sequence[str], *, cpus: set[int] | None, log: Path, pythonpath: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``argv`` pinned to ``cpus``; ``pythonpath`` goes first on the child's PYTHONPATH."""
    command = list(argv)
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(pythonpath), env.get("PYTHONPATH", "")) if p)
    taskset = shutil.which("taskset")
    if cpus is not None and taskset:
        command = [taskset, "-c", ",".join(str(c) for c in sorted(cpus)), *command]
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, env=env)
    if cpus is not None and not taskset:
        pin(process.pid, cpus)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of ``pid`` in KiB, from /proc."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


@dataclass
class Upstream:
    url: str
    process: subprocess.Popen[bytes]


def start_upstream(workdir: Path, *, cpus: set[int] | None, jwks: Path | None = None) -> Upstream:
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.upstream", str(port)]
    if jwks is not None:
        argv += ["--jwks", str(jwks)]
    process = spawn(argv, cpus=cpus, log=workdir / "upstream.log")
    upstream = Upstream(f"http://127.0.0.1:{port}", process)
    wait_for(lambda: alive(process, "upstream") and http_ok(f"{upstream.url}/items/1"), timeout=20, what="upstream")
    return upstream


def alive(process: subprocess.Popen[bytes], what: str) -> bool:
    if process.poll() is not None:
        raise RuntimeError(f"{what} exited early with code {process.returncode}")
    return True


@dataclass
class Gatewright:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]

    def control(self) -> Any:
        """A boto3 ``bedrock-agentcore-control`` client, exactly as a user creates one."""
        import boto3

        creds = json.loads((self.data_dir / "admin-credentials.json").read_text())
        return boto3.client(
            "bedrock-agentcore-control",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=creds["accessKeyId"],
            aws_secret_access_key=creds["secretAccessKey"],
        )


def gatewright_argv(port: int, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "gatewright", "serve", "--port", str(port), "--data-dir", str(data_dir)]


def start_gatewright(
    data_dir: Path, *, cpus: set[int] | None, ready: bool = True, port: int = 0, pythonpath: Path | None = None
) -> Gatewright:
    """``gatewright serve`` on SQLite in ``data_dir``; waits for /readyz unless ``ready`` is False.

    ``pythonpath`` runs another gatewright source folder (``--compare``)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    # Default settings, as a user runs it (INFO logging: nothing is logged per call).
    process = spawn(gatewright_argv(port, data_dir), cpus=cpus, log=data_dir / "server.log", pythonpath=pythonpath)
    server = Gatewright(f"http://127.0.0.1:{port}", data_dir, process)
    if ready:
        wait_for(
            lambda: alive(process, "gatewright") and http_ok(f"{server.url}/readyz"), timeout=60, what="gatewright"
        )
    return server


def _core_ticks() -> dict[int, tuple[int, int, int]]:
    """Per core: (busy, idle, steal) clock ticks since boot, from /proc/stat."""
    out: dict[int, tuple[int, int, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if not name.startswith("cpu") or name == "cpu":
            continue
        user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in fields[:8])
        out[int(name[3:])] = (user + nice + system + irq + softirq + steal, idle + iowait, steal)
    return out


def _sched(pid: int) -> tuple[int, int]:
    """(ns on a CPU, ns runnable but waiting for one) of all of ``pid``'s threads, from schedstat."""
    run = wait = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "schedstat").read_text().split()
        except OSError:
            continue  # a thread that ended
        run += int(fields[0])
        wait += int(fields[1])
    return run, wait


class CpuMeter:
    """How busy each core was during a phase, and how long our processes waited for it.

    ``cores`` maps a core to the pids that run on it. Other processes may use a core while ours are idle
    (harmless); what disturbs a measurement is our processes being runnable while another one runs: the
    scheduler's run-queue wait (``/proc/<pid>/task/*/schedstat``), reported as a share of wall time.
    """

    def __init__(self, cores: dict[int, list[int]]) -> None:
        self._cores = cores
        self._start = _core_ticks()
        self._clock = time.monotonic_ns()
        self._ours = {pid: _sched(pid) for pids in cores.values() for pid in pids}

    def read(self) -> dict[str, dict[str, float]]:
        end = _core_ticks()
        elapsed = max(time.monotonic_ns() - self._clock, 1)
        now = {pid: _sched(pid) for pid in self._ours}
        out: dict[str, dict[str, float]] = {}
        for core, pids in self._cores.items():
            busy = end[core][0] - self._start[core][0]
            total = busy + end[core][1] - self._start[core][1]
            if total <= 0:
                continue
            run = sum(now[p][0] - self._ours[p][0] for p in pids)
            wait = sum(now[p][1] - self._ours[p][1] for p in pids)
            out[f"core{core}"] = {
                "busy_pct": round(100 * busy / total, 1),
                "ours_pct": round(100 * run / elapsed, 1),
                "ours_waiting_pct": round(100 * wait / elapsed, 1),
                "steal_pct": round(100 * (end[core][2] - self._start[core][2]) / total, 1),
            }
        return out
