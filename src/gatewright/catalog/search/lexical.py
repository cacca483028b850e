"""BM25F over tool names, descriptions and arguments (names and descriptions).

Each field's term counts are normalised by that field's length (a long description does not bury the tool
whose name says it all), weighted, summed, then saturated (Robertson and Zaragoza, "The Probabilistic
Relevance Framework: BM25 and Beyond", 2009). Every term's contribution to every document is computed when
the index is built; a query only adds up posting lists, which keeps a query over 10,000 tools well under a
millisecond per term.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from gatewright.catalog.search.text import ToolText, terms

K1 = 1.2
B = 0.75
# How much a term counts in each field: the name says what a tool does; the first sentence says it again.
WEIGHTS = {"name": 3.0, "title": 2.0, "body": 0.5, "parameters": 0.5}


class LexicalIndex:
    def __init__(self, docs: Sequence[ToolText]) -> None:
        n = len(docs)
        fields = {f: [Counter(terms(getattr(d, f))) for d in docs] for f in WEIGHTS}
        average = {f: (sum(sum(c.values()) for c in counts) / n if n else 0.0) or 1.0 for f, counts in fields.items()}
        frequency: Counter[str] = Counter()
        weighted: list[dict[str, float]] = []
        for i in range(n):
            tf: dict[str, float] = defaultdict(float)
            for field, weight in WEIGHTS.items():
                counts = fields[field][i]
                norm = 1 - B + B * sum(counts.values()) / average[field]
                for term, count in counts.items():
                    tf[term] += weight * count / norm
            weighted.append(tf)
            frequency.update(tf.keys())
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, tf in enumerate(weighted):
            for term, value in tf.items():
                idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
                postings[term].append((i, idf * value * (K1 + 1) / (value + K1)))
        self._postings = dict(postings)
        self.size = n

    def scores(self, query: str) -> dict[int, float]:
        """Document index -> BM25 score, for documents sharing at least one term with the query."""
        out: dict[int, float] = defaultdict(float)
        for term in set(terms(query)):
            for i, weight in self._postings.get(term, ()):
                out[i] += weight
        return out

    def rank(self, query: str, depth: int, allow: Callable[[int], bool] | None = None) -> list[int]:
        """The ``depth`` best documents, best first (ties broken by catalog order)."""
        scored = list(self.scores(query).items())
        if allow is not None:
            scored = [(i, s) for i, s in scored if allow(i)]
        best = heapq.nsmallest(depth, scored, key=lambda item: (-item[1], item[0]))
        return [i for i, _ in best]
