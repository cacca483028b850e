"""Search over one catalog's tools: BM25, and, when a model is installed, embeddings fused with it.

An index is immutable and built from the same entries ``tools/list`` shows, in the same order; results
are positions in that list. ``allow`` is the hook for per-caller filtering (policy): it is applied before
the top ``k`` are cut, so a caller always gets up to ``k`` tools it may use, never fewer because others
were hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from gatewright.catalog.search.embedding import Embedder
from gatewright.catalog.search.fusion import reciprocal_rank_fusion
from gatewright.catalog.search.lexical import LexicalIndex
from gatewright.catalog.search.text import ToolText

if TYPE_CHECKING:
    from gatewright.catalog.search.dense import DenseIndex

Method = Literal["hybrid", "lexical", "dense"]
# How many candidates each retriever contributes to the fusion.
DEPTH = 50


class SearchIndex:
    def __init__(
        self,
        texts: Sequence[ToolText],
        *,
        lexical: LexicalIndex | None = None,
        embedder: Embedder | None = None,
        vectors: Any = None,
    ) -> None:
        self.texts = list(texts)
        self.lexical = lexical if lexical is not None else LexicalIndex(self.texts)
        self.dense: tuple[Embedder, DenseIndex] | None = None
        if embedder is not None and vectors is not None:
            from gatewright.catalog.search.dense import DenseIndex

            self.dense = (embedder, DenseIndex(vectors))

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def mode(self) -> str:
        return "lexical" if self.dense is None else f"hybrid ({self.dense[0].model_id})"

    def with_vectors(self, embedder: Embedder, vectors: Any) -> SearchIndex:
        """The same index with the embeddings added (the lexical part is shared, not rebuilt)."""
        return SearchIndex(self.texts, lexical=self.lexical, embedder=embedder, vectors=vectors)

    def search(
        self, query: str, k: int = 10, *, allow: Callable[[int], bool] | None = None, method: Method = "hybrid"
    ) -> list[int]:
        """Positions of the ``k`` most relevant tools, best first."""
        query = query.strip()
        if not query or k <= 0:
            return []
        rankings: list[list[int]] = []
        if method in ("hybrid", "lexical") or self.dense is None:
            rankings.append(self.lexical.rank(query, DEPTH, allow))
        if method in ("hybrid", "dense") and self.dense is not None:
            embedder, dense = self.dense
            rankings.append(dense.rank(embedder.embed_query(query), DEPTH, allow))
        if len(rankings) == 1:
            return rankings[0][:k]
        return reciprocal_rank_fusion(rankings)[:k]
