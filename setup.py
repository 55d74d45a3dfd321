"""The optional C extension: condition_archive.extract._cwalk, measure._walk
compiled (issue 16; see condition_archive/extract/measure.py). Everything else
about the package is in pyproject.toml.

The extension reads lxml's and libxml2's structs, so it compiles against the
headers lxml ships (lxml.get_include(); lxml is a build requirement). When it
cannot be built (no compiler, no headers), the install goes on without it and
measure.py runs its Python walk: the build says so in a warning.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

_DIR = "condition_archive/extract"
_SOURCES = [f"{_DIR}/_cwalk.c", f"{_DIR}/_cwalk_nodes.c", f"{_DIR}/_cwalk_walk.c",
            f"{_DIR}/_cwalk_clean.c", f"{_DIR}/_cwalk_region.c",
            f"{_DIR}/_cwalk_text.c", f"{_DIR}/_cwalk_sums.c",
            f"{_DIR}/_cwalk_leaf.c"]


def _include_dirs() -> list[str]:
    try:
        import lxml
    except ImportError:
        return []
    # Only the roots: <libxml/tree.h> and "lxml.etree.h" (lxml also lists libxml/
    # itself, whose threads.h and list.h would shadow the C library's).
    skip = {"libxml", "libxslt", "libexslt", "__pycache__"}
    dirs = [d for d in lxml.get_include() if os.path.isdir(d) and os.path.basename(d) not in skip]
    # An lxml built against the system's libxml2 ships no libxml/ headers.
    if not any(os.path.isfile(os.path.join(d, "libxml", "tree.h")) for d in dirs):
        dirs += [d for d in ("/usr/include/libxml2", "/usr/local/include/libxml2") if os.path.isdir(d)]
    return dirs


class OptionalBuildExt(build_ext):
    """build_ext that warns and goes on when the extension does not build."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # a missing compiler surfaces here
            self._skip(exc)

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # a compile or link error
            self._skip(exc)

    def _skip(self, exc: Exception) -> None:
        msg = (f"WARNING: condition_archive.extract._cwalk not built ({exc}); "
               "the region walk runs in Python (same output, ~0.5 ms more per page)")
        self.warn(msg)
        print(msg, file=sys.stderr)


setup(
    ext_modules=[Extension(
        "condition_archive.extract._cwalk", _SOURCES,
        depends=[f"{_DIR}/_cwalk.h"],
        include_dirs=_include_dirs(),
        optional=True,
        extra_compile_args=["-O2"] if os.name != "nt" else [],
    )],
    cmdclass={"build_ext": OptionalBuildExt},
)
