"""Sparse TF-IDF cosine similarity between accounts, keeping only the strongest edges.

The shared engine of the coordination methods: each method turns its behavioural trace into
(account, feature) pairs, and this module weights them, compares accounts and prunes the edges.
Only pairs of accounts that share at least one feature are ever computed (the product of the
L2-normalised matrix with its transpose), in row blocks of bounded work, so memory follows the
number of non-zero similarities, never accounts squared.
"""

from __future__ import annotations

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


def account_feature_matrix(
    accounts: pd.Series, features: pd.Series
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count matrix accounts × features from aligned series of (account, feature) observations.

    Returns the matrix and the account id of each row.
    """
    account_codes, account_ids = pd.factorize(accounts, sort=True)
    feature_codes, feature_ids = pd.factorize(features)
    counts = sparse.coo_matrix(
        (np.ones(len(account_codes), dtype=np.float64), (account_codes, feature_codes)),
        shape=(len(account_ids), len(feature_ids)),
    ).tocsr()
    counts.sum_duplicates()
    return counts, np.asarray(account_ids, dtype=object)


def tfidf_rows(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """TF-IDF with sublinear tf (1 + log tf), rows L2-normalised, as float32."""
    weighted = TfidfTransformer(sublinear_tf=True, norm="l2").fit_transform(counts)
    return sparse.csr_matrix(weighted, dtype=np.float32)


def _row_blocks(matrix: sparse.csr_matrix, max_work: int) -> list[tuple[int, int]]:
    """Split rows so that each block's share of the product costs about ``max_work``."""
    binary = matrix.copy()
    binary.data = np.ones_like(binary.data)
    feature_degree = np.asarray(binary.sum(axis=0)).ravel()
    row_work = binary @ feature_degree
    block_of_row = np.floor_divide(np.cumsum(row_work), max_work)
    starts = np.flatnonzero(np.diff(block_of_row)) + 1
    bounds = [0, *starts.tolist(), matrix.shape[0]]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def cosine_pairs(
    normalised: sparse.csr_matrix, max_work: int = _BLOCK_WORK
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All account pairs (i < j) with non-zero cosine similarity of L2-normalised rows.

    Returns row indices ``i``, ``j`` and the similarity as float32 arrays.
    """
    transposed = normalised.T.tocsr()
    rows_i, rows_j, values = [], [], []
    for start, stop in _row_blocks(normalised, max_work):
        # Only columns from ``start`` on: pairs with an earlier row were found in earlier blocks.
        block = (normalised[start:stop] @ transposed[:, start:]).tocoo()
        i = block.row.astype(np.int64) + start
        j = block.col.astype(np.int64) + start
        upper = j > i
        rows_i.append(i[upper].astype(np.int32))
        rows_j.append(j[upper].astype(np.int32))
        values.append(block.data[upper].astype(np.float32))
    if not values:
        empty = np.array([], dtype=np.int32)
        return empty, empty, np.array([], dtype=np.float32)
    return np.concatenate(rows_i), np.concatenate(rows_j), np.concatenate(values)


def strongest_edges(
    counts: sparse.csr_matrix, account_ids: np.ndarray, edge_quantile: float
) -> pd.DataFrame:
    """TF-IDF/cosine edges between the rows of ``counts``, keeping those at or above the
    ``edge_quantile`` of all non-zero similarities (0.995 keeps the top 0.5%; ties at the
    cut are all kept). Sorted by similarity, strongest first."""
    if counts.shape[0] < 2 or counts.nnz == 0:
        return empty_edges()
    i, j, similarity = cosine_pairs(tfidf_rows(counts))
    if len(similarity) == 0:
        return empty_edges()
    cut = np.quantile(similarity, edge_quantile)
    keep = similarity >= cut
    i, j, similarity = i[keep], j[keep], similarity[keep]
    order = np.lexsort((j, i, -similarity))
    return pd.DataFrame(
        {
            "user_a": account_ids[i[order]],
            "user_b": account_ids[j[order]],
            "similarity": np.clip(similarity[order], 0.0, 1.0).astype(float),
        }
    )
