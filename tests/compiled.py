"""The compiled extension for the tests that compare it with its Python reference:
`compiled_or_skip` imports it, or skips the test module when it is not built (never
on CI, where a missing build is a failure) or switched off by CONDITION_ARCHIVE_PURE_PYTHON; `configured`, imported by such a module,
checks that measure.py configured it, as the first walk of a process does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from condition_archive.extract import measure
from condition_archive.extract.parse import PURE_PYTHON_ENV, pure_python

BENCH = Path(__file__).resolve().parents[1] / "bench"


def compiled_or_skip(instead: str):
    """condition_archive.extract._cwalk; `instead`: what runs without it (the skip's reason)."""
    if pure_python():
        # The suite run again with the C helpers switched off: these modules
        # compare the two, and the Python side is what every other test runs.
        pytest.skip(f"{PURE_PYTHON_ENV} is set: {instead}", allow_module_level=True)
    try:
        from condition_archive.extract import _cwalk
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"the C extension is not built: {instead}", allow_module_level=True)
    return _cwalk


@pytest.fixture(autouse=True)
def configured():
    assert measure.which_walk() == "c"
