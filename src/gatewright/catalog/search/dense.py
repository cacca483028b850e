"""Nearest tools by cosine similarity: one matrix product over the catalog's normalised vectors.

A tool may have several vectors (its passages, :func:`text.embedding_passages`: every tool's first passage,
then every tool's second); its similarity to a query is the highest of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class DenseIndex:
    def __init__(self, vectors: Any, size: int) -> None:
        """``vectors`` has ``size`` rows per passage: all first passages, then all second ones, and so on."""
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        views = matrix.shape[0] // size if size else 1
        if size and matrix.shape[0] != views * size:
            raise ValueError(f"{matrix.shape[0]} vectors for {size} tools")
        self.size = size
        self.vectors = matrix.reshape(views, size, matrix.shape[-1])

    def scores(self, query_vector: Any, allow: Callable[[int], bool] | None = None) -> Any:
        """Each tool's similarity to the query (its best passage); -inf for tools ``allow`` refuses."""
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        scores = (self.vectors @ query).max(axis=0) if self.size else np.zeros(0, dtype=np.float32)
        if allow is not None:
            mask = np.fromiter((allow(i) for i in range(self.size)), dtype=bool, count=self.size)
            scores = np.where(mask, scores, -np.inf)
        return scores

    @staticmethod
    def best(scores: Any, depth: int) -> list[int]:
        """The ``depth`` highest-scoring tools (never a refused one), best first; ties keep catalog order."""
        depth = min(depth, int(np.isfinite(scores).sum()))
        if depth <= 0:
            return []
        top = np.argpartition(-scores, depth - 1)[:depth]
        order = top[np.lexsort((top, -scores[top]))]
        return [int(i) for i in order]

    def rank(self, query_vector: Any, depth: int, allow: Callable[[int], bool] | None = None) -> list[int]:
        """The ``depth`` most similar tools, most similar first."""
        return self.best(self.scores(query_vector, allow), depth)
