"""Tool vectors, kept so that a tool is embedded once: again only when its text or the model changes.

Vectors are looked up by a digest of (model id, text). One :class:`VectorFile` holds the vectors of one
gateway's catalog, in memory and in ``<directory>/<key>.npz``; a rebuild after a target change embeds only
the new or changed tools, and a restart embeds nothing. Files are written whole to a temporary name and
renamed, so a reader never sees half a file; a damaged or foreign file is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gatewright.catalog.search.embedding import Embedder

log = logging.getLogger("gatewright.search")


def _digest(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()[:32]


class VectorFile:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._rows: dict[str, Any] = {}
        self._loaded = path is None

    def _load(self) -> None:
        self._loaded = True
        if self.path is None or not self.path.exists():
            return
        try:
            with np.load(self.path, allow_pickle=False) as data:
                self._rows = dict(zip(data["digests"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring unreadable search vectors %s: %s", self.path, exc)

    def vectors(self, embedder: Embedder, texts: Sequence[str]) -> Any:
        """One row per text; only texts not seen before are embedded. Keeps exactly these rows afterwards."""
        if not self._loaded:
            self._load()
        digests = [_digest(embedder.model_id, t) for t in texts]
        missing: dict[str, int] = {}
        for i, digest in enumerate(digests):
            if digest not in self._rows and digest not in missing:
                missing[digest] = i
        if missing:
            fresh = embedder.embed_documents([texts[i] for i in missing.values()])
            for digest, row in zip(missing, fresh, strict=True):
                self._rows[digest] = row
        matrix = np.stack([self._rows[d] for d in digests]) if digests else np.zeros((0, 1), dtype=np.float32)
        changed = bool(missing) or len(self._rows) != len(set(digests))
        self._rows = {d: self._rows[d] for d in digests}
        if changed:
            self._save()
        return matrix

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            with open(temporary, "wb") as out:
                digests = np.array(list(self._rows), dtype="U32")
                rows = list(self._rows.values())
                np.savez(out, digests=digests, vectors=np.stack(rows) if rows else np.zeros((0, 1), np.float32))
            os.replace(temporary, self.path)
        except OSError as exc:  # a read-only data folder only costs re-embedding at the next start
            log.warning("cannot keep search vectors in %s: %s", self.path, exc)

    def delete(self) -> None:
        self._rows.clear()
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
