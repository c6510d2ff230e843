"""The ``advocacy`` command line: ``main`` is the console script's entry point.

Each submodule registers its commands on ``main`` when imported.
"""

from cli import delivery, letters, registry
from cli.base import main

__all__ = ["delivery", "letters", "main", "registry"]
