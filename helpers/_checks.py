"""Input checks shared by every public helper.

Each check raises an error that names the function, the argument, what was
seen and the rule that was broken, so a learner can fix the call without
reading the helper's source.
"""

from __future__ import annotations

import warnings

import numpy as np


def shape_str(shape) -> str:
    """``(3, 2)`` for a 2-D shape, ``(3,)`` for a 1-D one, ``()`` for a scalar."""
    return str(tuple(int(s) for s in shape))


def as_real_array(func: str, name: str, value, *, ndim: int | None = None,
                  allow_int: bool = True, finite: bool = True) -> np.ndarray:
    """Return ``value`` as a real numpy array after checking it.

    Rejects non-numeric and complex data, empty arrays, NaN/Inf (when
    ``finite``), integer arrays (unless ``allow_int``) and arrays whose number
    of dimensions differs from ``ndim``. Never copies a float array.
    """
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as exc:  # ragged lists, odd objects
            raise TypeError(f"{func}: {name} must be an array of numbers, "
                            f"got {type(value).__name__} ({exc})") from None
    kind = arr.dtype.kind
    if kind == "b" or kind not in "iuf":
        raise TypeError(f"{func}: {name} must hold real numbers, "
                        f"got dtype {arr.dtype} with shape {shape_str(arr.shape)}")
    if kind in "iu" and not allow_int:
        raise TypeError(
            f"{func}: {name} has integer dtype {arr.dtype} (shape {shape_str(arr.shape)}); "
            f"finite differences need a float array, because x + h would be rounded "
            f"back to an integer. Pass {name}.astype(np.float64)."
        )
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{func}: {name} must be {ndim}-D, got shape {shape_str(arr.shape)} "
                         f"({arr.ndim}-D)")
    if arr.size == 0:
        raise ValueError(f"{func}: {name} is empty (shape {shape_str(arr.shape)}); "
                         f"every dimension must be at least 1")
    if finite and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{func}: {name} (shape {shape_str(arr.shape)}) contains {bad} "
                         f"NaN or Inf value(s); every entry must be finite")
    return arr


def warn_if_float32(func: str, name: str, arr: np.ndarray) -> None:
    """Finite differences in float32 lose most of their digits: say so."""
    if arr.dtype == np.float32 or arr.dtype == np.float16:
        warnings.warn(
            f"{func}: {name} is {arr.dtype}; finite differences in {arr.dtype} are accurate "
            f"to only a few digits. Use float64 ({name}.astype(np.float64)) for gradient checks.",
            UserWarning, stacklevel=3,
        )


def require_same_shape(func: str, name_a: str, a: np.ndarray,
                       name_b: str, b: np.ndarray) -> None:
    """Gradients must have the shape of what they differentiate."""
    if a.shape != b.shape:
        raise ValueError(f"{func}: {name_a} has shape {shape_str(a.shape)} but {name_b} has "
                         f"shape {shape_str(b.shape)}; they must have the same shape")


def as_scalar(func: str, name: str, value) -> float:
    """Return ``value`` (what a loss function returned) as a finite Python float."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{func}: {name} must return a real number, "
                        f"got {type(value).__name__} with dtype {arr.dtype}")
    if arr.ndim != 0:
        raise ValueError(f"{func}: {name} must return a scalar (a loss), got an array of "
                         f"shape {shape_str(arr.shape)}; reduce it, e.g. with .sum()")
    out = float(arr)
    if not np.isfinite(out):
        raise ValueError(f"{func}: {name} returned {out}; the loss must be finite")
    return out


def positive_float(func: str, name: str, value) -> float:
    """A step size or tolerance: a finite number greater than zero."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{func}: {name} must be a number, "
                        f"got {type(value).__name__}") from None
    if not np.isfinite(out) or out <= 0:
        raise ValueError(f"{func}: {name} must be a finite number > 0, got {value!r}")
    return out


def positive_int(func: str, name: str, value) -> int:
    """A count: a whole number of at least one."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{func}: {name} must be a whole number, "
                        f"got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{func}: {name} must be at least 1, got {value}")
    return int(value)


def int_in_range(func: str, name: str, value, low: int, high: int) -> int:
    """A slider's value: a whole number from ``low`` to ``high`` inclusive."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{func}: {name} must be a whole number, "
                        f"got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{func}: {name} must be between {low} and {high} "
                         f"(the slider's range), got {value}")
    return int(value)
