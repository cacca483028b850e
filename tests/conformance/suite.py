"""Run ``@modelcontextprotocol/conformance`` against a URL in baseline mode and read what it found.

The CLIs and Node 22 are installed by ``scripts/setup-node`` (``scripts/setup --node``) under ``.tools/``
from ``tests/npm/package.json``: 0.1.16 as ``@modelcontextprotocol/conformance`` and 0.2.0-alpha.12 as
``conformance-alpha`` (an npm alias, so both versions sit side by side).

A run writes its ``--expected-failures`` file from ``baseline.yml`` (the keys that apply to that run's
gateway: the ``server`` section applies to every gateway, each other section to the gateways ``SECTIONS`` names),
keeps the CLI's output and the per-scenario ``checks.json`` files (``-o``), and passes only when the CLI
exits 0: no failure outside the baseline, no baseline entry that passed. In baseline mode the CLI
counts a WARNING as a failure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools"
BASELINE = Path(__file__).with_name("baseline.yml")
SETUP_HINT = "run scripts/setup --node (installs Node 22 and the suite under .tools/)"
_FAILED = ("FAILURE", "WARNING")
_RESULT_DIR = re.compile(r"^server-(?P<scenario>.+)-\d{4}-\d\d-\d\dT[\d-]+Z$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TOTAL = re.compile(r"^Total: \d+ passed, \d+ failed$", re.MULTILINE)
# Baseline sections besides ``server`` (every gateway), and the gateways each applies to.
SECTIONS = {"openapi": ("stateless", "sessions"), "stateless": ("stateless",), "proxy": ("proxy",)}


class NotInstalled(Exception):
    pass


@dataclass(frozen=True)
class Run:
    """One invocation of a conformance CLI against one of the gateways."""

    name: str
    package: str  # the folder under .tools/npm/node_modules
    gateway: str  # "stateless", "sessions" (OpenAPI targets) or "proxy" (one MCP server target)
    args: tuple[str, ...]
    per_check: bool  # the CLI's baseline takes scenario:check-id entries (0.2.0-alpha)


@dataclass
class Outcome:
    run: Run
    returncode: int
    output: str = field(repr=False)
    seconds: float
    # (scenario, check id) of every FAILURE or WARNING
    failures: set[tuple[str, str]] = field(default_factory=set, repr=False)
    scenarios: set[str] = field(default_factory=set, repr=False)

    @property
    def total(self) -> str:
        found = _TOTAL.findall(self.output)
        return found[-1] if found else "no Total line (the CLI did not finish)"

    @property
    def verdict(self) -> str:
        """The CLI's baseline report: expected, unexpected and stale entries."""
        start = self.output.find("Expected failures")
        if start < 0:
            start = self.output.find("Unexpected failures")
        return self.output[start:].strip() if start >= 0 else self.output[-3000:]

    def line(self) -> str:
        return f"{self.run.name}: {self.total} (exit {self.returncode}, {self.seconds:.1f} s)"


def node() -> Path:
    found = sorted(TOOLS.glob("node22/node_modules/node-linux-*/bin/node"))
    if not found:
        raise NotInstalled(f"Node 22 is not installed under {TOOLS}: {SETUP_HINT}")
    return found[0]


def cli(package: str) -> Path:
    script = TOOLS / "npm" / "node_modules" / package / "dist" / "index.js"
    if not script.is_file():
        raise NotInstalled(f"{package} is not installed under {TOOLS / 'npm'}: {SETUP_HINT}")
    return script


def installed_version(package: str) -> str:
    manifest = TOOLS / "npm" / "node_modules" / package / "package.json"
    version: str = json.loads(manifest.read_text())["version"]
    return version


def wanted_version(package: str) -> str:
    """The version tests/npm/package.json pins for ``package`` (an alias's target version)."""
    deps: dict[str, str] = json.loads((REPO / "tests" / "npm" / "package.json").read_text())["dependencies"]
    return deps[package].rsplit("@", 1)[-1]


def applies(section: str, gateway: str) -> bool:
    return section == "server" or gateway in SECTIONS.get(section, ())


def baseline(gateway: str, path: Path = BASELINE) -> dict[str, str]:
    """Baseline key -> reason, for runs against ``gateway``."""
    doc = yaml.safe_load(path.read_text())
    entries: dict[str, str] = {}
    for section, keys in doc.items():
        if applies(section, gateway):
            entries.update(keys or {})
    return entries


def expected_failures(run: Run, entries: dict[str, str]) -> list[str]:
    """The entries in the form ``run``'s CLI takes (0.1.16: scenario names only)."""
    if run.per_check:
        return list(entries)
    return list(dict.fromkeys(key.split(":", 1)[0] for key in entries))


def matches(key: str, failures: set[tuple[str, str]]) -> bool:
    scenario, _, check = key.partition(":")
    return any(s == scenario and (not check or c == check) for s, c in failures)


def start(run: Run, url: str, workdir: Path) -> subprocess.Popen[bytes]:
    workdir.mkdir(parents=True)
    expected = workdir / "expected-failures.yml"
    expected.write_text(yaml.safe_dump({"server": expected_failures(run, baseline(run.gateway))}))
    command = [str(node()), str(cli(run.package)), "server", "--url", url, *run.args]
    command += ["--expected-failures", str(expected), "-o", str(workdir / "results")]
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    with open(workdir / "output.txt", "wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=workdir)


def finish(run: Run, process: subprocess.Popen[bytes], workdir: Path, started: float, timeout: float) -> Outcome:
    try:
        process.wait(max(0.0, started + timeout - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    output = _ANSI.sub("", (workdir / "output.txt").read_text(errors="replace"))
    outcome = Outcome(run, process.returncode, output, time.monotonic() - started)
    results = workdir / "results"
    for folder in sorted(results.iterdir()) if results.is_dir() else []:
        found = _RESULT_DIR.match(folder.name)
        if found is None or not (folder / "checks.json").is_file():
            continue
        scenario = found["scenario"]
        outcome.scenarios.add(scenario)
        for check in json.loads((folder / "checks.json").read_text()):
            if check["status"] in _FAILED:
                outcome.failures.add((scenario, check["id"]))
    return outcome


def run_all(runs: dict[Run, str], root: Path, timeout: float) -> list[Outcome]:
    """Run every CLI at once (each against its URL); bounded by ``timeout`` seconds in all."""
    started = time.monotonic()
    processes = [
        (run, start(run, url, root / f"run{i}"), root / f"run{i}") for i, (run, url) in enumerate(runs.items())
    ]
    return [finish(run, process, workdir, started, timeout) for run, process, workdir in processes]


def stale(outcomes: list[Outcome], path: Path = BASELINE) -> list[str]:
    """Baseline keys that no run needed: each must match a failure in a run it applies to."""
    doc = yaml.safe_load(path.read_text())
    unused = []
    for section, keys in doc.items():
        for key in keys or {}:
            runs = [o for o in outcomes if applies(section, o.run.gateway)]
            if not any(matches(key, o.failures) for o in runs):
                unused.append(f"{section}: {key}")
    return unused
