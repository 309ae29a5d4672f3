"""Sparse TF-IDF cosine similarity between accounts, keeping only the strongest edges.

The shared engine of the coordination methods: each method turns its behavioural trace into
(account, feature) pairs, and this module weights them, compares accounts and prunes the edges.
Only pairs of accounts that share at least one feature are ever computed (the product of the
L2-normalised matrix with its transpose), in row blocks of bounded work, so memory follows the
number of non-zero similarities, never accounts squared.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

EDGE_COLUMNS = ["user_a", "user_b", "similarity"]

# Multiply-adds per block of the product: bounds the peak memory of one block's output.
_BLOCK_WORK = 20_000_000


def empty_edges() -> pd.DataFrame:
    """An edge frame with no rows and the right columns."""
    return pd.DataFrame({"user_a": [], "user_b": [], "similarity": []}).astype(
        {"user_a": object, "user_b": object, "similarity": float}
    )


def coded_feature_matrix(
    account_codes: np.ndarray, feature_codes: np.ndarray, accounts: int, features: int
) -> sparse.csr_matrix:
    """Count matrix accounts × features from aligned arrays of (account, feature) codes, each
    observation counted once."""
    counts = sparse.coo_matrix(
        (np.ones(len(account_codes), dtype=np.float64), (account_codes, feature_codes)),
        shape=(accounts, features),
    ).tocsr()
    counts.sum_duplicates()
    return counts


def tfidf_rows(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """TF-IDF with sublinear tf (1 + log tf), rows L2-normalised, as float32."""
    weighted = TfidfTransformer(sublinear_tf=True, norm="l2").fit_transform(counts)
    return sparse.csr_matrix(weighted, dtype=np.float32)


def _row_work(matrix: sparse.csr_matrix) -> np.ndarray:
    """Multiply-adds of each row's share of ``matrix @ matrix.T``; their sum bounds the
    number of non-zero pairs."""
    binary = matrix.copy()
    binary.data = np.ones_like(binary.data)
    feature_degree = np.asarray(binary.sum(axis=0)).ravel()
    return binary @ feature_degree


def _row_blocks(row_work: np.ndarray, max_work: int) -> list[tuple[int, int]]:
    """Split rows so that each block's share of the product costs about ``max_work``."""
    block_of_row = np.floor_divide(np.cumsum(row_work), max_work)
    starts = np.flatnonzero(np.diff(block_of_row)) + 1
    bounds = [0, *starts.tolist(), len(row_work)]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def _pair_blocks(
    normalised: sparse.csr_matrix, max_work: int
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Pairs (i < j) with non-zero cosine similarity, one row block at a time."""
    transposed = normalised.T.tocsr()
    for start, stop in _row_blocks(_row_work(normalised), max_work):
        # Only columns from ``start`` on: pairs with an earlier row were found in earlier blocks.
        block = (normalised[start:stop] @ transposed[:, start:]).tocoo()
        i = block.row.astype(np.int64) + start
        j = block.col.astype(np.int64) + start
        upper = j > i
        yield i[upper].astype(np.int32), j[upper].astype(np.int32), block.data[upper]


def _concat(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]):
    if not parts:
        empty = np.array([], dtype=np.int32)
        return empty, empty, np.array([], dtype=np.float32)
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def cosine_pairs(
    normalised: sparse.csr_matrix, max_work: int = _BLOCK_WORK
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All account pairs (i < j) with non-zero cosine similarity of L2-normalised rows.

    Returns row indices ``i``, ``j`` and the similarity as arrays.
    """
    return _concat(list(_pair_blocks(normalised, max_work)))


def _kth_largest(values: np.ndarray, k: int) -> float:
    return float(np.partition(values, len(values) - k)[len(values) - k])


def strongest_pairs(
    normalised: sparse.csr_matrix, edge_quantile: float, max_work: int = _BLOCK_WORK
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``ceil((1 - edge_quantile) × pairs)`` most similar pairs (ties at the cut all kept),
    where ``pairs`` counts every pair with non-zero similarity.

    Memory follows the edges kept, not all pairs: after each block, candidates below the
    K-th largest similarity seen so far are dropped, with K = (1 - edge_quantile) × an upper
    bound of the pair count. K is never below the final number kept, so a dropped pair has at
    least as many stronger pairs as the final cut allows: it could never have been kept.
    """
    share = 1.0 - edge_quantile
    budget = max(1, math.ceil(share * float(_row_work(normalised).sum())))
    candidates: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    held, floor, pairs, prune_at = 0, -np.inf, 0, 2 * budget
    for i, j, values in _pair_blocks(normalised, max_work):
        pairs += len(values)
        keep = values >= floor
        candidates.append((i[keep], j[keep], values[keep]))
        held += int(keep.sum())
        if held > prune_at:
            i_all, j_all, v_all = _concat(candidates)
            floor = _kth_largest(v_all, budget)
            keep = v_all >= floor
            candidates, held = [(i_all[keep], j_all[keep], v_all[keep])], int(keep.sum())
            # Many ties at the floor can keep ``held`` high: wait for it to double again.
            prune_at = max(2 * budget, 2 * held)
    i, j, values = _concat(candidates)
    if pairs == 0:
        return i, j, values
    cut = _kth_largest(values, math.ceil(share * pairs))
    keep = values >= cut
    return i[keep], j[keep], values[keep]


def strongest_edges(
    counts: sparse.csr_matrix, account_ids: np.ndarray, edge_quantile: float
) -> pd.DataFrame:
    """TF-IDF/cosine edges between the rows of ``counts``, keeping the strongest
    ``1 - edge_quantile`` share of all non-zero similarities (0.995 keeps the top 0.5%; ties
    at the cut are all kept). Sorted by similarity, strongest first."""
    if counts.shape[0] < 2 or counts.nnz == 0:
        return empty_edges()
    i, j, similarity = strongest_pairs(tfidf_rows(counts), edge_quantile)
    if len(similarity) == 0:
        return empty_edges()
    order = np.lexsort((j, i, -similarity))
    return pd.DataFrame(
        {
            "user_a": account_ids[i[order]],
            "user_b": account_ids[j[order]],
            "similarity": np.clip(similarity[order], 0.0, 1.0).astype(float),
        }
    )
