"""helpers.embedding: a gather forward, a scatter-add backward that keeps repeated ids."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import central_difference
from helpers.embedding import embedding_backward, embedding_forward


def test_forward_gathers_rows_into_the_ids_shape():
    E = np.arange(12.0).reshape(4, 3)
    Y = embedding_forward(E, np.array([[3, 0], [3, 3]]))
    assert Y.shape == (2, 2, 3)
    np.testing.assert_array_equal(Y[1, 1], [9.0, 10.0, 11.0])
    Y[0, 0] = -1
    assert E[3, 0] == 9.0  # a copy, not a view of the table


def test_backward_adds_the_gradients_of_a_repeated_id():
    idx = np.array([2, 0, 2, 2])
    G = np.arange(8.0).reshape(4, 2)
    dE = embedding_backward(G, idx, num_embeddings=3)
    np.testing.assert_array_equal(dE, [[2.0, 3.0], [0.0, 0.0], [0 + 4 + 6, 1 + 5 + 7]])
    buffered = np.zeros((3, 2))
    buffered[idx] += G  # the bug: one write per repeated index survives
    assert not np.array_equal(buffered, dE)


@settings(max_examples=30, deadline=None)
@given(V=st.integers(1, 6), d=st.integers(1, 4), n=st.integers(1, 5), t=st.integers(1, 4),
       seed=st.integers(0, 2**32 - 1))
def test_backward_matches_finite_differences(V, d, n, t, seed):
    rng = np.random.default_rng(seed)
    E = rng.standard_normal((V, d))
    idx = rng.integers(0, V, size=(n, t))
    G = rng.standard_normal((n, t, d))
    want = central_difference(lambda E_: np.sum(G * embedding_forward(E_, idx)), E.copy())
    np.testing.assert_allclose(embedding_backward(G, idx, V), want, atol=1e-7)


@pytest.mark.parametrize("call,message", [
    (lambda: embedding_forward(np.ones((3, 2)), np.array([0.0, 1.0])), r"integer ids.*float64"),
    (lambda: embedding_forward(np.ones((3, 2)), np.array([0, 3])),
     r"ids from 0 to 3 but the table has 3 rows"),
    (lambda: embedding_backward(np.ones((4, 2)), np.array([0, 1, 2]), 3),
     r"dL_dY has shape \(4, 2\) but idx has shape \(3,\)"),
    (lambda: embedding_backward(np.ones((3, 2)), np.array([0, 1, -1]), 3), r"ids from -1"),
])
def test_bad_input_is_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
