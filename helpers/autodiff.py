"""A small reverse-mode engine on numpy arrays (notebook 11, C41-C43).

Every value of a computation is a :class:`Node`: it holds its ``value`` (a
numpy array), its ``grad`` (the gradient of the final loss with respect to
that value, same shape), its ``parents`` (the nodes it was computed from) and
a backward rule, the vector-Jacobian product the course derived by hand:

================================  ==========================================
operation (shapes)                backward rule: upstream ``g`` -> parents
================================  ==========================================
``A @ B``  (n, k) @ (k, m)        ``g @ B.T`` (n, k) and ``A.T @ g`` (k, m)
``A + B``  broadcast              ``g`` summed over the axes each operand
                                  was broadcast along (:func:`unbroadcast`)
``A.sum()`` / ``A.mean()`` -> ()  ``g`` spread over ``A``'s shape (/ A.size)
``relu(Z)``                       ``g * (Z > 0)``
``softmax_cross_entropy(Z, y)``   ``g * (softmax(Z) - one_hot(y)) / n``
================================  ==========================================

:meth:`Node.backward` (on a scalar node only) seeds the loss's gradient with
1, then visits the nodes in reverse topological order (every node after all
the nodes computed from it), so each node's gradient is complete before its
rule passes it on. Gradients **accumulate** (``+=``): a value used twice
receives the sum of what both uses send back (C42).

Conventions, as in :mod:`helpers.layers`:

- A leaf made with ``Node(value)`` is a parameter: it copies ``value`` (so
  training it never changes the caller's array), its ``grad`` starts at zero
  and accumulates over backward passes until :meth:`Node.zero_grad`. Call
  ``zero_grad`` before each training step.
- A leaf made with :func:`constant` (data, labels) needs no gradient
  (``grad`` stays ``None``) and is not copied; the engine never writes to it.
- The gradients of intermediate nodes belong to one backward pass: each call
  of ``backward`` starts them from zero.

Float dtypes are kept (float32 in, float32 gradients out); integer values
become float64.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import shape_str
from helpers.losses import softmax_cross_entropy as _softmax_cross_entropy

__all__ = ["Node", "constant", "relu", "softmax_cross_entropy", "unbroadcast",
           "topological_order", "backward_steps", "zero_grad", "parameters", "graph_layout"]


def _float_array(func: str, name: str, value, *, copy: bool) -> np.ndarray:
    if isinstance(value, Node):
        raise TypeError(f"{func}: {name} is already a Node ({value.label}); use it directly")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{func}: {name} must be an array of numbers, "
                        f"got {type(value).__name__} ({exc})") from None
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"{func}: {name} must hold real numbers, got dtype {arr.dtype} "
                        f"with shape {shape_str(arr.shape)}")
    dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
    if copy or arr.dtype != dtype:
        arr = np.array(arr, dtype=dtype, copy=True)
    return arr


def unbroadcast(g, shape) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting added or stretched, giving ``shape``.

    ``g`` is the upstream gradient of ``A + B`` (the broadcast shape); ``shape``
    is one operand's shape, which must broadcast to ``g.shape``. Leading axes
    that the operand lacks are summed away; axes where it has size 1 are summed
    with ``keepdims``. Example: ``g`` (4, 3) and ``shape`` (3,) -> ``g.sum(axis=0)``;
    ``shape`` (4, 1) -> ``g.sum(axis=1, keepdims=True)``. Returns an array of
    ``shape`` (``g`` itself when nothing was broadcast).
    """
    g = np.asarray(g)
    shape = tuple(int(s) for s in shape)
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra < 0 or any(s != 1 and s != t for s, t in zip(shape, g.shape[extra:])):
        raise ValueError(f"unbroadcast: shape {shape_str(shape)} does not broadcast to the "
                         f"gradient's shape {shape_str(g.shape)}; an operand of A + B must "
                         f"broadcast to the shape of the sum")
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


class Node:
    """One value of a computation, with its gradient and how to pass it back.

    ``Node(value, name=None)`` makes a parameter leaf: a copy of ``value`` (any
    shape), with ``grad`` an array of zeros of the same shape. Operations on
    nodes (``@``, ``+``, :meth:`sum`, :meth:`mean`, :func:`relu`,
    :func:`softmax_cross_entropy`) return new nodes that remember their parents.

    Attributes: ``value`` (array), ``grad`` (array of ``value``'s shape, or
    ``None`` for a constant, or for an intermediate node before any backward
    pass), ``parents`` (tuple of nodes), ``op`` (``"leaf"``, ``"constant"``,
    ``"matmul"``, ``"add"``, ``"sum"``, ``"mean"``, ``"relu"`` or
    ``"softmax_cross_entropy"``), ``name`` (a label for figures, may be
    ``None``) and ``requires_grad``.
    """

    __array_ufunc__ = None  # ndarray @ Node and ndarray + Node are handed to Node

    def __init__(self, value, name=None, *, requires_grad=True):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Node: name must be a string or None, got {type(name).__name__}")
        self.value = _float_array("Node", "value", value, copy=requires_grad)
        self.name = name
        self.parents: tuple = ()
        self.op = "leaf" if requires_grad else "constant"
        self.requires_grad = bool(requires_grad)
        self.grad = np.zeros_like(self.value) if requires_grad else None
        self._rule = None

    @classmethod
    def _result(cls, value, parents, rule, op):
        """An intermediate node (no copy of ``value``: it is freshly computed)."""
        node = cls.__new__(cls)
        node.value = value
        node.name = None
        node.parents = tuple(parents)
        node.op = op
        node.requires_grad = any(p.requires_grad for p in node.parents)
        node.grad = None
        node._rule = rule
        return node

    # -- description ---------------------------------------------------------------------

    @property
    def shape(self) -> tuple:
        """The shape of ``value``."""
        return self.value.shape

    @property
    def label(self) -> str:
        """``name`` if set, else the operation (``"matmul"``, ``"add"``...)."""
        return self.name if self.name is not None else self.op

    def __repr__(self) -> str:
        name = f"{self.name!r}, " if self.name is not None else ""
        return f"Node({name}op={self.op!r}, shape={shape_str(self.shape)})"

    def rule(self, g):
        """The backward rule: upstream gradient ``g`` (``value``'s shape) -> one gradient per
        parent (``parents``' shapes), ``None`` for a parent that needs no gradient.
        A leaf has no rule (returns ``()``)."""
        return () if self._rule is None else self._rule(g)

    # -- operations ----------------------------------------------------------------------

    def __matmul__(self, other):
        return _matmul(self, _as_node(other, "right operand of @", self))

    def __rmatmul__(self, other):
        return _matmul(_as_node(other, "left operand of @", self), self)

    def __add__(self, other):
        return _add(self, _as_node(other, "right operand of +", self))

    def __radd__(self, other):
        return _add(_as_node(other, "left operand of +", self), self)

    def sum(self):
        """Sum of every entry -> a scalar node, shape (). Backward: ``g`` spread over the shape."""
        shape = self.value.shape

        def rule(g):
            return (np.broadcast_to(g, shape),)

        return Node._result(np.asarray(self.value.sum()), (self,), rule, "sum")

    def mean(self):
        """Mean of every entry -> a scalar node, shape (). Backward: ``g / size`` spread."""
        shape, size = self.value.shape, self.value.size

        def rule(g):
            return (np.broadcast_to(g / size, shape),)

        return Node._result(np.asarray(self.value.mean()), (self,), rule, "mean")

    # -- the backward pass ---------------------------------------------------------------

    def backward(self):
        """Fill ``grad`` of every node this scalar node depends on.

        Only a scalar node (shape ``()``, e.g. a loss) can start a backward pass.
        Leaves accumulate (``+=``) into their ``grad``; call :meth:`zero_grad`
        (or :func:`zero_grad`) on them before each step. Returns ``None``.
        """
        for _ in backward_steps(self):
            pass

    def zero_grad(self):
        """Set ``grad`` to zeros of ``value``'s shape (a constant keeps ``None``). Returns self."""
        if self.requires_grad:
            self.grad = np.zeros_like(self.value)
        return self


def constant(value, name=None) -> Node:
    """A leaf that needs no gradient (input data): ``grad`` stays ``None``.

    ``value`` is used as it is (not copied); the engine never writes to it.
    """
    if isinstance(value, Node):
        raise TypeError(f"constant: value is already a Node ({value.label}); use it directly")
    return Node(value, name, requires_grad=False)


def _as_node(value, where: str, other: Node) -> Node:
    if isinstance(value, Node):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = np.asarray(value, dtype=other.value.dtype)  # a plain number keeps the dtype
    try:
        return constant(value)
    except TypeError as exc:
        raise TypeError(f"the {where} must be a Node or an array of numbers: {exc}") from None


def _matmul(a: Node, b: Node) -> Node:
    if a.value.ndim != 2 or b.value.ndim != 2:
        raise ValueError(f"A @ B: both operands must be 2-D matrices, got A {a.label} of shape "
                         f"{shape_str(a.shape)} and B {b.label} of shape {shape_str(b.shape)}")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"A @ B: A ({a.label}) has shape {shape_str(a.shape)} and B "
                         f"({b.label}) has shape {shape_str(b.shape)}; the inner sizes must "
                         f"match, A.shape[1] == B.shape[0], but {a.shape[1]} != {b.shape[0]}")
    A, B = a.value, b.value
    need_a, need_b = a.requires_grad, b.requires_grad

    def rule(g):
        return (g @ B.T if need_a else None,    # dL/dA = g B^T  (n, k)
                A.T @ g if need_b else None)    # dL/dB = A^T g  (k, m)

    return Node._result(A @ B, (a, b), rule, "matmul")


def _add(a: Node, b: Node) -> Node:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"A + B: A ({a.label}) has shape {shape_str(a.shape)} and B "
                         f"({b.label}) has shape {shape_str(b.shape)}, which do not broadcast: "
                         f"aligned from the right, each pair of sizes must be equal or "
                         f"contain a 1") from None
    shape_a, shape_b = a.shape, b.shape
    need_a, need_b = a.requires_grad, b.requires_grad

    def rule(g):
        # Broadcasting copied an operand along some axes in the forward pass;
        # its gradient adds up what every copy received.
        return (unbroadcast(g, shape_a) if need_a else None,
                unbroadcast(g, shape_b) if need_b else None)

    return Node._result(a.value + b.value, (a, b), rule, "add")


def relu(x) -> Node:
    """``max(x, 0)`` entry by entry -> node of ``x``'s shape. Backward: ``g * (x > 0)``."""
    if not isinstance(x, Node):
        raise TypeError(f"relu: x must be a Node, got {type(x).__name__}; wrap an array "
                        f"with Node(...) or constant(...)")
    mask = x.value > 0

    def rule(g):
        return (g * mask,)

    return Node._result(np.maximum(x.value, 0), (x,), rule, "relu")


def softmax_cross_entropy(logits, y) -> Node:
    """Mean softmax cross-entropy of ``logits`` (n, k) node with labels ``y`` (n,) -> scalar node.

    Fused: the forward pass computes the probabilities once (with
    :func:`helpers.losses.softmax_cross_entropy`, stable for any logits) and
    the backward rule reuses them: ``g * (softmax(logits) - one_hot(y)) / n``.
    The loss node's value has the logits' dtype.
    """
    if not isinstance(logits, Node):
        raise TypeError(f"softmax_cross_entropy: logits must be a Node, got "
                        f"{type(logits).__name__}")
    if logits.value.ndim != 2:
        raise ValueError(f"softmax_cross_entropy: logits ({logits.label}) must be 2-D (n, k), "
                         f"got shape {shape_str(logits.shape)}")
    loss, dL_dlogits = _softmax_cross_entropy(logits.value, y)
    value = np.asarray(loss, dtype=logits.value.dtype)

    def rule(g):
        return (dL_dlogits * g,)

    return Node._result(value, (logits,), rule, "softmax_cross_entropy")


def topological_order(root: Node) -> list:
    """Every node ``root`` depends on (itself included), each once, parents before children.

    A depth-first search without recursion (deep graphs do not hit Python's
    recursion limit); parents are visited in the order they were given, so the
    order is the same on every run.
    """
    if not isinstance(root, Node):
        raise TypeError(f"topological_order: root must be a Node, got {type(root).__name__}")
    order, done, on_path = [], set(), set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            on_path.discard(id(node))
            done.add(id(node))
            order.append(node)
            continue
        if id(node) in done or id(node) in on_path:
            continue
        on_path.add(id(node))
        stack.append((node, True))
        for parent in reversed(node.parents):
            if id(parent) not in done:
                stack.append((parent, False))
    return order


def backward_steps(root: Node):
    """The backward pass of scalar ``root``, one node at a time (a generator).

    Yields ``(node, sent)`` for every node that needs a gradient, in reverse
    topological order, once that node's gradient is complete: ``sent`` is a list
    of ``(parent, gradient passed to it)`` (empty for a leaf). :meth:`Node.backward`
    runs it to the end; the backward-pass stepper widget shows it step by step.
    """
    if not isinstance(root, Node):
        raise TypeError(f"backward: root must be a Node, got {type(root).__name__}")
    if root.value.shape != ():
        raise ValueError(f"backward: {root.label} has shape {shape_str(root.shape)}, but a "
                         f"backward pass starts from a scalar (shape ()), such as a loss; "
                         f"reduce it first, e.g. with .sum() or .mean()")
    if not root.requires_grad:
        raise ValueError(f"backward: {root.label} depends on no parameter (only constants), "
                         f"so there is no gradient to compute")
    order = topological_order(root)
    for node in order:
        if node.parents:  # an intermediate gradient belongs to this pass only
            node.grad = np.zeros_like(node.value) if node.requires_grad else None
    root.grad += 1  # dL/dL = 1
    for node in reversed(order):
        if not node.requires_grad:
            continue
        sent = []
        for parent, g in zip(node.parents, node.rule(node.grad)):
            if g is None:
                continue
            if g.shape != parent.shape:
                raise RuntimeError(f"backward: the rule of {node.label} ({node.op}) sent a "
                                   f"gradient of shape {shape_str(g.shape)} to "
                                   f"{parent.label} of shape {shape_str(parent.shape)}; a "
                                   f"gradient must have the shape of its value")
            parent.grad += g  # accumulate: a value used twice gets the sum
            sent.append((parent, g))
        yield node, sent


def parameters(root: Node) -> list:
    """The leaves of ``root``'s graph that need a gradient, in topological order."""
    return [n for n in topological_order(root) if n.op == "leaf"]


def zero_grad(nodes) -> None:
    """Call :meth:`Node.zero_grad` on every node of ``nodes`` (an iterable of nodes)."""
    for node in nodes:
        if not isinstance(node, Node):
            raise TypeError(f"zero_grad: expected Nodes, got {type(node).__name__}")
        node.zero_grad()


def graph_layout(root: Node) -> dict:
    """Positions for drawing ``root``'s graph: ``{node: (column, row)}``, whole numbers.

    An operation sits one column right of its rightmost parent, so every edge
    points right (the forward direction); a leaf sits one column left of the
    first operation that uses it. Within a column, operations come first, then
    leaves, each in topological order.
    """
    order = topological_order(root)
    position = {id(n): i for i, n in enumerate(order)}
    column, first_user = {}, {}
    for node in order:
        column[id(node)] = 1 + max((column[id(p)] for p in node.parents), default=-1)
        for parent in node.parents:
            first_user.setdefault(id(parent), column[id(node)])
            first_user[id(parent)] = min(first_user[id(parent)], column[id(node)])
    for node in order:  # leaves move next to their first user
        if not node.parents and id(node) in first_user:
            column[id(node)] = max(0, first_user[id(node)] - 1)
    rows, layout = {}, {}
    for node in sorted(order, key=lambda n: (not n.parents, position[id(n)])):
        c = column[id(node)]
        layout[node] = (c, rows.get(c, 0))
        rows[c] = rows.get(c, 0) + 1
    return layout
