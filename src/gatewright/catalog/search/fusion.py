"""Reciprocal rank fusion: merge rankings by rank alone, so BM25 scores and cosine similarities never need
to be put on one scale (Cormack, Clarke and Buettcher, SIGIR 2009)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

# Smaller than the paper's 60: only the first ranks of each list matter when 10 tools are returned.
# Chosen on the GitHub queries and confirmed on the Stripe and Slack ones (docs/search.md).
K = 10


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = K) -> list[int]:
    """Documents of every ranking, ordered by the sum of ``1 / (k + rank)``; ties keep catalog order."""
    score: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            score[doc] += 1.0 / (k + rank)
    return sorted(score, key=lambda doc: (-score[doc], doc))
