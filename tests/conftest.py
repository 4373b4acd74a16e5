"""Fixtures shared by the course's tests."""

from __future__ import annotations

import pytest

from course import NOTEBOOKS, load_notebook


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    """(path, parsed notebook) for every notebook of the series."""
    return request.param, load_notebook(request.param)
