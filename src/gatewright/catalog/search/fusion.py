"""Weighted score fusion of BM25 and cosine similarity, each put on a 0..1 scale for the query at hand.

BM25 is divided by the query's best BM25 score; a cosine similarity is placed between the catalog's mean
similarity to the query (0) and the best one (1), so that "as close as the average tool" counts for nothing.
Every tool among either retriever's best candidates is scored with both signals (a tool that BM25 ranks
51st still brings its BM25 score), then sorted; ties keep catalog order.

Chosen over reciprocal rank fusion on the tuning queries (benchmarks/search/README.md): rank fusion
discards how far ahead the first candidates are, and ranked the right tool first less often (recall@1 0.50
against 0.55).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# The share of BM25 in the fused score, chosen on the tuning queries (0.2 to 0.3 rank alike).
LEXICAL_WEIGHT = 0.3


def weighted_fusion(
    candidates: Iterable[int],
    lexical: Mapping[int, float],
    dense: Mapping[int, float],
    dense_mean: float,
    weight: float = LEXICAL_WEIGHT,
) -> list[int]:
    """``candidates`` by ``weight * bm25 / best bm25 + (1 - weight) * (cos - mean) / (best cos - mean)``.

    ``lexical`` holds the BM25 score of every tool that matched a query term (others score 0); ``dense``
    the cosine similarity of at least every candidate; ``dense_mean`` the mean over the catalog.
    """
    pool = set(candidates)
    if not pool:
        return []
    top_lexical = max(lexical.values(), default=0.0) or 1.0
    spread = max(dense[i] for i in pool) - dense_mean or 1.0
    score = {
        i: weight * lexical.get(i, 0.0) / top_lexical + (1 - weight) * (dense[i] - dense_mean) / spread for i in pool
    }
    return sorted(pool, key=lambda i: (-score[i], i))
