"""Search over one catalog's tools: BM25, and, when a model is installed, embeddings fused with it
(:mod:`fusion`).

An index is immutable and built from the same entries ``tools/list`` shows, in the same order; results
are positions in that list. ``allow`` is the hook for per-caller filtering (policy): it is applied before
the top ``k`` are cut, so a caller always gets up to ``k`` tools it may use, never fewer because others
were hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from gatewright.catalog.search.embedding import Embedder
from gatewright.catalog.search.fusion import weighted_fusion
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

            self.dense = (embedder, DenseIndex(vectors, len(self.texts)))

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
        if method == "lexical" or self.dense is None:
            return self.lexical.rank(query, k, allow)
        embedder, dense = self.dense
        similarity = dense.scores(embedder.embed_query(query), allow)
        if method == "dense":
            return dense.best(similarity, k)
        lexical = self.lexical.scores(query)
        if allow is not None:
            lexical = {i: s for i, s in lexical.items() if allow(i)}
        allowed = similarity[similarity > -float("inf")]
        if not len(allowed):
            return []
        candidates = dense.best(similarity, DEPTH)
        candidates += sorted(lexical, key=lexical.__getitem__, reverse=True)[:DEPTH]
        cosine = {i: float(similarity[i]) for i in candidates}
        return weighted_fusion(candidates, lexical, cosine, float(allowed.mean()))[:k]
