"""Helpers shared by the notebooks of the course on backpropagation through linear layers.

Import what you need from its module, for example::

    from helpers.linear import linear_forward, linear_backward
    from helpers.gradcheck import numerical_gradient, check_gradient

Conventions (the whole course uses them): rows are examples, so ``X`` is
``(n, d_in)``, ``W`` is ``(d_in, d_out)``, ``b`` is ``(d_out,)`` and
``Y = X @ W + b`` is ``(n, d_out)``. Every gradient has the shape of what it
differentiates. Arrays are float64 unless a lesson says otherwise.

Nothing here mutates an array it is given, and bad input raises a
``TypeError`` or ``ValueError`` that names the argument, the shapes seen and
the rule that was broken.
"""

__version__ = "1.0.0"
