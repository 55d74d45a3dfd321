"""The optional C extension, condition_archive.extract._cwalk: whether it runs,
and its functions for the modules that keep a Python reference of each
(measure.py's walk, boilerplate's and mainbox's loops, text.py's reads,
links' and people's rels...). Loaded and configured once, on first use;
`CONDITION_ARCHIVE_PURE_PYTHON=1` switches it off at any time (read at each
call: the tests flip it), and `which_walk()` says which code runs and why.
"""

from __future__ import annotations

from functools import lru_cache

from condition_archive.extract.parse import PURE_PYTHON_ENV, pure_python


def compiled_walk():
    """_cwalk.walk, or None when the Python walk runs (see which_walk)."""
    return compiled_helper("walk")


def compiled_helper(name: str):
    """The C extension's `name` (walk; clean_len: boilerplate._clean_len;
    text_count: _block_score's commas), or None when the Python code runs (see
    which_walk)."""
    if pure_python():
        return None
    module = _load_compiled()[0]
    return None if module is None else getattr(module, name)


def which_walk() -> str:
    """Which implementation measure() runs, and why: "c" or "python: REASON"."""
    if pure_python():
        return f"python: {PURE_PYTHON_ENV} is set"
    module, reason = _load_compiled()
    return "c" if module is not None else f"python: {reason}"


@lru_cache(maxsize=1)
def _load_compiled() -> tuple:
    """(the C extension, None), or (None, why not): configured once with
    measure.py's own sets and helpers, which its walk calls where _walk does."""
    try:
        from condition_archive.extract import _cwalk
    except ImportError as exc:
        return None, f"the C extension is not built ({exc})"
    from condition_archive.extract import measure  # (imports this module: not at the top)

    try:
        _cwalk.configure(measure.walk_config())
    except (RuntimeError, TypeError, KeyError) as exc:
        return None, f"the C extension refused this lxml ({exc})"
    return _cwalk, None
