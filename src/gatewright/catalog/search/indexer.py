"""Search indexes for a process's SEMANTIC gateways, built when their tools change, never per query.

:meth:`SearchIndexer.attach` is called with each new catalog of a SEMANTIC gateway (the runtime builds a
catalog when a target's tools or the gateway change). It builds the lexical index at once, so the catalog
is searchable as soon as it is served, and embeds the tools in a background thread; when the vectors are
ready the search switches to hybrid. Vectors are kept per gateway on disk (:mod:`vectors`), so only new or
changed tools are embedded, and a restart embeds nothing.

The embedding model is loaded once per process, on first need, in the background thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from gatewright.catalog.search.embedding import Embedder, load_embedder
from gatewright.catalog.search.index import SearchIndex
from gatewright.catalog.search.text import embedding_passages, tool_text
from gatewright.catalog.search.tool import Listed, ToolSearch

log = logging.getLogger("gatewright.search")


class SearchIndexer:
    def __init__(self, directory: Path | None, backend: str | Embedder = "auto") -> None:
        """``backend`` names the model (see :func:`load_embedder`), or is a ready Embedder."""
        self._directory = directory
        self._backend = backend if isinstance(backend, str) else "given"
        self._embedder: Embedder | None = None if isinstance(backend, str) else backend
        self._model_ready = not isinstance(backend, str)
        self._lock = threading.Lock()
        self._current: dict[str, ToolSearch] = {}
        self._files: dict[str, Any] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gatewright-search")

    def attach(self, key: str, entries: Sequence[Listed], tools: Sequence[Any], version: str = "") -> ToolSearch:
        """The search over ``entries`` (``tools[i]`` is the ToolSpec of ``entries[i]``), lexical at once.

        When ``version`` (the catalog's fingerprint) is the one of the current search, that search is kept:
        a gateway change that leaves its tools alone rebuilds nothing.
        """
        with self._lock:
            current = self._current.get(key)
        if current is not None and version and current.version == version:
            return current
        texts = [tool_text(e.name, t.description, t.input_schema) for e, t in zip(entries, tools, strict=True)]
        search = ToolSearch(entries, SearchIndex(texts), version)
        with self._lock:
            self._current[key] = search
        if self._backend != "lexical" and entries:
            self._executor.submit(self._embed, key, search)
        return search

    def forget(self, key: str) -> None:
        """The gateway is gone or no longer SEMANTIC: drop its search and its stored vectors."""
        with self._lock:
            known = self._current.pop(key, None) is not None
        if known or (self._directory is not None and (self._directory / f"{key}.npz").exists()):
            self._executor.submit(self._delete, key)

    def settle(self, timeout: float) -> None:
        """Wait until the embeddings scheduled so far are done (for tests and benchmarks)."""
        self._executor.submit(lambda: None).result(timeout)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _model(self) -> Embedder | None:
        if not self._model_ready:
            self._model_ready = True
            try:
                self._embedder = load_embedder(self._backend, self._directory)
            except Exception:  # a broken model installation must leave lexical search working
                log.exception("cannot load the search embedding model: search stays lexical")
            if self._embedder is not None:
                log.info("tool search embeddings: %s", self._embedder.model_id)
        return self._embedder

    def _file(self, key: str) -> Any:
        from gatewright.catalog.search.vectors import VectorFile

        if key not in self._files:
            self._files[key] = VectorFile(self._directory / f"{key}.npz" if self._directory else None)
        return self._files[key]

    def _embed(self, key: str, search: ToolSearch) -> None:
        with self._lock:
            if self._current.get(key) is not search:
                return  # superseded by a newer catalog before its turn came
        embedder = self._model()
        if embedder is None:
            return
        started = time.perf_counter()
        try:
            vectors = self._file(key).vectors(embedder, embedding_passages(search.index.texts))
        except Exception:
            log.exception("embedding the tools of %s failed: its search stays lexical", key)
            return
        search.index = search.index.with_vectors(embedder, vectors)
        log.info("search index of %s: %d tools, hybrid in %.2fs", key, len(search.index), time.perf_counter() - started)

    def _delete(self, key: str) -> None:
        with self._lock:
            if key in self._current:
                return  # attached again since
        file = self._files.pop(key, None)
        if file is not None:
            file.delete()
        elif self._directory is not None:
            (self._directory / f"{key}.npz").unlink(missing_ok=True)
