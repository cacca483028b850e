"""Nearest tools by cosine similarity: one matrix product over the catalog's normalised vectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class DenseIndex:
    def __init__(self, vectors: Any) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)

    def rank(self, query_vector: Any, depth: int, allow: Callable[[int], bool] | None = None) -> list[int]:
        """The ``depth`` most similar documents, most similar first."""
        n = self.vectors.shape[0]
        if n == 0:
            return []
        scores = self.vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if allow is not None:
            mask = np.fromiter((allow(i) for i in range(n)), dtype=bool, count=n)
            scores = np.where(mask, scores, -np.inf)
            depth = min(depth, int(mask.sum()))
        depth = min(depth, n)
        if depth <= 0:
            return []
        top = np.argpartition(-scores, depth - 1)[:depth]
        order = top[np.lexsort((top, -scores[top]))]
        return [int(i) for i in order]
