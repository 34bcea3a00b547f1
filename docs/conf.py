"""Sphinx configuration of the carbon-peak simulator's docs.

Build (from the checkout, with the ``docs`` extra installed)::

    sphinx-build -W --keep-going -b html docs docs/_build/html        # the site
    sphinx-build -W --keep-going -b doctest docs docs/_build/doctest  # runs every example

Pages are Markdown (MyST); the API page is autodoc with numpydoc, from the docstrings; the
scenario and target-file formats, the layer table and the module map are generated from the
code as the pages are read (``_ext/generated.py``).
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import simulator  # noqa: E402  (after the path: the extension sits beside this file)

project = "Carbon-peak scenario simulator"
author = "the carbon-peak simulator's developers"
copyright = "the carbon-peak simulator's developers"  # noqa: A001  (Sphinx's name)
release = version = simulator.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx.ext.doctest",
    "generated",
]
# .rst too: numpydoc loads autosummary, which refuses to run without it (there are no .rst pages)
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]

# MyST: anchors for the headings down to ###, so pages can link to sections
myst_heading_anchors = 3

# autodoc + numpydoc: the docstrings are numpydoc; type hints stay in the signature
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# the examples run from the checkout's root, where scenarios/ and calibration/ are
doctest_global_setup = f"""
import os
os.chdir({str(DOCS.parent)!r})
"""

# command transcripts and YAML are shown as written; Python blocks say so
highlight_language = "none"

html_theme = "pydata_sphinx_theme"
html_title = project
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
# the pages are few and flat: the top bar lists them, the right column a page's sections
html_sidebars = {"**": []}
html_static_path = []
