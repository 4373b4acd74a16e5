"""Embedding lookup: forward is a gather, backward a scatter-add (C46).

An embedding table ``E`` of shape ``(V, d)`` holds one row per item (a word, a user, a
token id from 0 to V - 1). Looking up integer ids ``idx`` of any shape gathers rows:
``Y = E[idx]`` has shape ``idx.shape + (d,)``. It is a linear layer whose input is a
one-hot row per id, so its weight gradient is ``onehot.T @ dL_dY``: every row of dL_dY
is added into the row of the table it came from. An id that occurs k times receives the
sum of its k gradients, which is why the backward pass uses ``np.add.at`` (unbuffered:
repeated indices add up), never ``dL_dE[idx] += dL_dY`` (buffered: the last write wins).
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, positive_int, shape_str

__all__ = ["embedding_forward", "embedding_backward"]


def _ids(func: str, idx, num_embeddings: int) -> np.ndarray:
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{func}: idx must hold integer ids, got dtype {idx.dtype} with shape "
                        f"{shape_str(idx.shape)}")
    if idx.size and (idx.min() < 0 or idx.max() >= num_embeddings):
        raise ValueError(f"{func}: idx holds ids from {idx.min()} to {idx.max()} but the table "
                         f"has {num_embeddings} rows; every id must be in 0..{num_embeddings - 1}")
    return idx


def embedding_forward(E, idx):
    """Rows of the table ``E`` (V, d) for the integer ids ``idx`` (any shape).

    Returns ``Y`` of shape ``idx.shape + (d,)``, a new array."""
    E = as_real_array("embedding_forward", "E", E, ndim=2)
    idx = _ids("embedding_forward", idx, E.shape[0])
    return E[idx]  # fancy indexing copies


def embedding_backward(dL_dY, idx, num_embeddings):
    """Gradient of the table: ``dL_dE`` (num_embeddings, d), the scatter-add of ``dL_dY``
    (shape ``idx.shape + (d,)``) into the rows named by ``idx``."""
    func = "embedding_backward"
    V = positive_int(func, "num_embeddings", num_embeddings)
    idx = _ids(func, idx, V)
    dL_dY = as_real_array(func, "dL_dY", dL_dY)
    if dL_dY.shape[:-1] != idx.shape or dL_dY.ndim != idx.ndim + 1:
        raise ValueError(f"{func}: dL_dY has shape {shape_str(dL_dY.shape)} but idx has shape "
                         f"{shape_str(idx.shape)}; dL_dY must be idx's shape plus one axis of "
                         f"size d, like the forward output")
    dL_dE = np.zeros((V, dL_dY.shape[-1]), dtype=np.result_type(dL_dY.dtype, np.float64))
    np.add.at(dL_dE, idx, dL_dY)  # unbuffered: an id used k times gets k gradients
    return dL_dE
