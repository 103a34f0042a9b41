"""LangChain `Embeddings` over LEGION's deterministic hashed embedder.

Part of the deliverable so vector stores (e.g. `InMemoryVectorStore`) can be used with the
bridge offline. The retrieval scenario is defined as BM25 top-3 and uses `retrieval.py`:
the hashed embedder does not rank the scenario's fact first.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

import legion_bridge


class LegionEmbeddings(Embeddings):
    """Embeds with `legion_bridge.embed`/`embed_many` (`EMBEDDING_DIMENSIONS` floats each)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return legion_bridge.embed_many(texts)

    def embed_query(self, text: str) -> list[float]:
        return legion_bridge.embed(text)
