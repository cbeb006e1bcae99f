"""The `reciprocity` command line: a thin layer over the library; errors rendered once, in `base`.

One module per group of commands; importing them registers their commands on `main`.
"""

from . import batch, benchmark, clauses, dataset, enrich, notices, serve, watch  # noqa: F401  (registers the commands)
from .base import main

__all__ = ["main"]
