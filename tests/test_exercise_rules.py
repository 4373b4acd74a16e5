"""helpers.exercise_rules finds a forbidden helper however a learner's function reaches it."""

from __future__ import annotations

import pytest

import helpers
import helpers.linear as hl
from helpers.exercise_rules import assert_does_not_use, forbidden_uses, names_used
from helpers.gradcheck import numerical_gradient
from helpers.linear import linear_backward

alias = linear_backward


def direct(G, X, W):
    return linear_backward(G, X, W)


def through_alias(G, X, W):
    return alias(G, X, W)


def through_module_alias(G, X, W):
    return hl.linear_backward(G, X, W)


def through_package(G, X, W):
    return helpers.linear.linear_backward(G, X, W)


def in_a_lambda(G, X, W):
    inner = lambda: hl.linear_backward(G, X, W)  # noqa: E731
    return inner()


def in_a_closure():
    backward = linear_backward

    def fn(G, X, W):
        return backward(G, X, W)
    return fn


def own_code(G, X, W):
    return G @ W.T, X.T @ G, G.sum(axis=0)


@pytest.mark.parametrize("fn", [direct, through_alias, through_module_alias, through_package,
                                in_a_lambda, in_a_closure()], ids=lambda f: f.__name__)
def test_every_route_to_the_helper_is_found(fn):
    assert forbidden_uses(fn, linear_backward)
    with pytest.raises(AssertionError, match=r"Exercise 03\.1 .*helpers\.linear\.linear_backward"):
        assert_does_not_use(fn, linear_backward, exercise="03.1")


def test_own_numpy_code_passes():
    assert forbidden_uses(own_code, linear_backward) == []
    assert_does_not_use(own_code, linear_backward, numerical_gradient, exercise="03.1")


def test_only_the_named_helpers_are_forbidden():
    assert forbidden_uses(direct, numerical_gradient) == []


def test_names_used_reads_nested_code():
    assert {"hl", "linear_backward"} <= names_used(in_a_lambda)


def test_a_non_function_is_a_clear_type_error():
    with pytest.raises(TypeError, match="expected a Python function, got int"):
        names_used(3)


def test_the_message_names_only_the_helper_reached():
    with pytest.raises(AssertionError) as caught:
        assert_does_not_use(direct, linear_backward, numerical_gradient, exercise="03.1")
    assert "helpers.linear.linear_backward`: the helper" in str(caught.value)
    assert "numerical_gradient" not in str(caught.value)
