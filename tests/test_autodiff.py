"""helpers.autodiff: every backward rule against central differences, fan-out, training, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import central_difference
from helpers.autodiff import (
    Node,
    backward_steps,
    constant,
    graph_layout,
    parameters,
    relu,
    softmax_cross_entropy,
    topological_order,
    unbroadcast,
    zero_grad,
)
from helpers.layers import Linear, ReLU, Sequential
from helpers.losses import softmax_cross_entropy as ce_arrays
from helpers.mlp import TwoLayerMLP, train


def check(build, *leaves, atol=1e-7):
    """Backward through ``build()`` against central differences for every leaf."""
    zero_grad(leaves)
    build().backward()
    for leaf in leaves:
        def f(v, leaf=leaf):
            saved = leaf.value
            leaf.value = v
            try:
                return float(build().value)
            finally:
                leaf.value = saved
        assert np.allclose(leaf.grad, central_difference(f, leaf.value), atol=atol), leaf


def test_matmul_add_relu_sum_mean_and_cross_entropy_against_finite_differences():
    rng = np.random.default_rng(0)
    X = constant(rng.standard_normal((4, 3)))
    W1, b1 = Node(rng.standard_normal((3, 5))), Node(rng.standard_normal(5))
    W2, b2 = Node(rng.standard_normal((5, 2))), Node(rng.standard_normal(2))
    y = np.array([0, 1, 1, 0])
    check(lambda: softmax_cross_entropy(relu(X @ W1 + b1) @ W2 + b2, y), W1, b1, W2, b2)
    check(lambda: (relu(X @ W1 + b1) @ W2).sum(), W1, b1, W2)
    check(lambda: (X @ W1 + b1).mean(), W1, b1)


@pytest.mark.parametrize("shape_a, shape_b", [
    ((4, 3), (3,)), ((4, 3), (4, 1)), ((4, 1), (1, 3)), ((4, 3), ()), ((1,), (2, 5)),
    ((2, 3, 4), (3, 1)), ((1, 1), (1, 1))])
def test_broadcast_add_sums_over_the_broadcast_axes(shape_a, shape_b):
    rng = np.random.default_rng(1)
    A, B = Node(rng.standard_normal(shape_a)), Node(rng.standard_normal(shape_b))
    out_shape = np.broadcast_shapes(shape_a, shape_b)
    C = rng.standard_normal(out_shape)
    check(lambda: _weighted_sum(A + B, C), A, B)
    assert A.grad.shape == shape_a and B.grad.shape == shape_b


def _weighted_sum(node, C):
    # sum(C * node) without a multiply op: (1, N) @ (N, 1) on the flattened values.
    flat = Node._result(node.value.reshape(1, -1), (node,),
                        lambda g: (g.reshape(node.shape),), "reshape")
    return (flat @ constant(C.reshape(-1, 1))).sum()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=0, max_size=3), st.data())
def test_unbroadcast_is_the_adjoint_of_broadcasting(shape, data):
    shape = tuple(shape)
    # Shrink some axes to 1 and drop some leading ones: an operand that broadcasts to shape.
    keep = data.draw(st.integers(0, len(shape)))
    small = tuple(1 if data.draw(st.booleans()) else s for s in shape[len(shape) - keep:])
    rng = np.random.default_rng(len(shape) + keep)
    g, x = rng.standard_normal(shape), rng.standard_normal(small)
    # <broadcast(x), g> == <x, unbroadcast(g)>
    assert np.isclose(np.sum(np.broadcast_to(x, shape) * g), np.sum(x * unbroadcast(g, small)))
    assert unbroadcast(g, small).shape == small


def test_unbroadcast_rejects_a_shape_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(4, 2\)"):
        unbroadcast(np.ones((4, 2)), (3,))


def test_a_value_used_twice_gets_the_sum_and_a_layer_used_twice_checks():
    rng = np.random.default_rng(2)
    X = constant(rng.standard_normal((4, 3)))
    W, b = Node(rng.standard_normal((3, 3))), Node(rng.standard_normal(3))
    check(lambda: (relu(X @ W + b) @ W + b).mean(), W, b)
    x = Node(np.array([1.5, -2.0]))
    zero_grad([x])
    (x + x).sum().backward()
    assert np.array_equal(x.grad, [2.0, 2.0])


def test_leaves_accumulate_until_zero_grad_and_intermediates_start_fresh():
    rng = np.random.default_rng(3)
    X = constant(rng.standard_normal((4, 3)))
    W = Node(rng.standard_normal((3, 2)))
    loss = (X @ W).sum()
    loss.backward()
    once = W.grad.copy()
    loss.backward()                       # same graph again: leaves add, intermediates restart
    assert np.allclose(W.grad, 2 * once)
    assert np.array_equal(loss.grad, np.array(1.0))
    W.zero_grad()
    assert np.array_equal(W.grad, np.zeros((3, 2)))
    (X @ W).sum().backward()
    assert np.allclose(W.grad, once)


def test_same_gradients_as_the_layers_of_notebook_06():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((6, 3)), np.array([0, 1, 2, 1, 0, 2])
    W1, b1 = rng.standard_normal((3, 5)), rng.standard_normal(5)
    W2, b2 = rng.standard_normal((5, 3)), rng.standard_normal(3)
    net = Sequential([Linear(W1, b1), ReLU(), Linear(W2, b2)])
    loss, dL_dlogits = ce_arrays(net.forward(X), y)
    net.backward(dL_dlogits)
    nodes = {k: Node(v, k) for k, v in {"W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()}
    L = softmax_cross_entropy(relu(constant(X) @ nodes["W1"] + nodes["b1"]) @ nodes["W2"]
                              + nodes["b2"], y)
    L.backward()
    assert float(L.value) == loss
    for name, grad in net.grads.items():
        assert np.array_equal(nodes[name].grad, grad), name


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_training_the_mlp_of_notebook_07_gives_the_same_losses(dtype):
    from helpers.data import make_spiral

    X, y = make_spiral(30, 3, noise=0.2, seed=0)
    X = X.astype(dtype)
    model = TwoLayerMLP(2, 16, 3, seed=42, dtype=dtype)
    params = [Node(model.params[k], k) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    assert params[0].value.dtype == dtype
    losses = []
    for _ in range(25):
        zero_grad(params)
        loss = softmax_cross_entropy(relu(constant(X) @ W1 + b1) @ W2 + b2, y)
        loss.backward()
        for p in params:
            p.value -= 0.5 * p.grad
        losses.append(float(loss.value))
        assert p.grad.dtype == dtype
    history = train(model, X, y, lr=0.5, steps=25)
    assert np.max(np.abs(np.array(losses) - history)) <= 1e-12


def test_a_parameter_leaf_copies_and_a_constant_does_not():
    W = np.ones((2, 2))
    node = Node(W)
    node.value -= 1.0
    assert np.array_equal(W, np.ones((2, 2)))
    assert constant(W).value is W and constant(W).grad is None
    assert Node(np.arange(3)).value.dtype == np.float64
    assert Node(np.ones(2, np.float32)).value.dtype == np.float32
    assert (Node(np.ones(2, np.float32)) + 0.5).value.dtype == np.float32


def test_arrays_on_the_left_and_plain_numbers_work():
    rng = np.random.default_rng(5)
    A, W = rng.standard_normal((4, 3)), Node(rng.standard_normal((3, 2)))
    out = (A @ W) + np.ones(2)
    assert isinstance(out, Node) and np.allclose(out.value, A @ W.value + 1)
    assert isinstance(np.ones(2) + out, Node)


def test_topological_order_visits_each_node_once_parents_first():
    a, b = Node(np.ones((2, 2)), "a"), Node(np.ones((2, 2)), "b")
    c = a @ b
    d = c + a
    e = (d @ c).sum()
    order = topological_order(e)
    assert len(order) == len({id(n) for n in order}) == 6
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert all(position[id(p)] < position[id(node)] for p in node.parents)
    assert order[-1] is e and [n.name for n in parameters(e)] == ["a", "b"]


def test_a_deep_chain_needs_no_recursion():
    x = Node(np.ones(3))
    node = x
    for _ in range(5000):
        node = node + 1.0
    node.sum().backward()
    assert np.array_equal(x.grad, np.ones(3))


def test_backward_steps_yield_each_node_once_with_what_it_sends():
    rng = np.random.default_rng(6)
    X = constant(rng.standard_normal((4, 3)), "X")
    W = Node(rng.standard_normal((3, 2)), "W")
    L = (X @ W).mean()
    steps = list(backward_steps(L))
    assert [n.op for n, _ in steps] == ["mean", "matmul", "leaf"]
    assert [p.name for p, _ in steps[1][1]] == ["W"]     # nothing is sent to the constant X
    assert steps[0][1][0][1].shape == (4, 2)


def test_graph_layout_puts_every_edge_left_to_right():
    rng = np.random.default_rng(7)
    X, W = constant(rng.standard_normal((4, 3))), Node(rng.standard_normal((3, 3)))
    b = Node(rng.standard_normal(3))
    L = (relu(X @ W + b) @ W + b).mean()
    layout = graph_layout(L)
    assert len(layout) == 9 and len(set(layout.values())) == 9
    for node, (c, _) in layout.items():
        assert all(layout[p][0] < c for p in node.parents)


def test_matmul_shape_mismatch_names_both_shapes():
    A, B = Node(np.ones((4, 3)), "A"), Node(np.ones((2, 5)), "B")
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(2, 5\).*3 != 2"):
        A @ B
    with pytest.raises(ValueError, match=r"2-D.*\(3,\)"):
        A @ Node(np.ones(3))


def test_add_that_does_not_broadcast_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(4,\).*do not broadcast"):
        Node(np.ones((4, 3))) + Node(np.ones(4))


def test_backward_on_a_non_scalar_says_to_reduce_it_first():
    Y = Node(np.ones((4, 3))) + 1.0
    with pytest.raises(ValueError, match=r"shape \(4, 3\).*scalar.*\.sum\(\)"):
        Y.backward()
    with pytest.raises(ValueError, match="no parameter"):
        constant(np.ones(3)).sum().backward()


def test_bad_inputs_are_type_errors():
    with pytest.raises(TypeError, match="Node: value"):
        Node("abc")
    with pytest.raises(TypeError, match="relu: x must be a Node"):
        relu(np.ones(3))
    with pytest.raises(TypeError, match="already a Node"):
        constant(Node(np.ones(2)))
    with pytest.raises(TypeError, match="Node: name"):
        Node(np.ones(2), name=3)
    with pytest.raises(ValueError, match="logits"):
        softmax_cross_entropy(Node(np.ones(3)), np.array([0]))


def test_a_wrong_rule_is_caught_by_its_shape():
    x = Node(np.ones((3, 2)), "x")
    bad = Node._result(x.value.sum(axis=1), (x,), lambda g: (g,), "bad")
    with pytest.raises(RuntimeError, match=r"bad.*\(3,\).*x of shape \(3, 2\)"):
        bad.sum().backward()
