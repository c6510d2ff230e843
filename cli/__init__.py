"""The ``advocacy`` command line: ``main`` is the console script's entry point.

Each submodule registers its commands on ``main`` when imported; ``main`` imports a command's
module when that command is asked for (``cli.base.COMMANDS``, ``cli.lazy.LazyGroup``).
"""

from cli.base import main

__all__ = ["main"]
