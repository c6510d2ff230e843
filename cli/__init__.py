"""The ``advocacy`` command line: ``run`` is the console script's entry point, ``main`` the root
command.

Each submodule registers its commands on ``main`` when imported; ``main`` imports a command's
module when that command is asked for (``cli.base.COMMANDS``, ``cli.lazy.LazyGroup``).
"""

import gc

from cli.base import main

__all__ = ["main", "run"]


def run() -> None:
    """The ``advocacy`` command. Start-up (SQLAlchemy's mappers, pydantic's settings model)
    allocates tens of thousands of objects that live as long as the process: the cyclic
    garbage collector is off until the services are built (``cli.base.services`` turns it on
    again, with what exists by then frozen), which takes about a tenth off every command's
    start."""
    gc.disable()
    main()
