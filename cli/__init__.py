"""The ``advocacy`` command line: ``main`` is the console script's entry point.

Each submodule registers its commands on ``main`` when imported.
"""

from cli import (
    campaigns,
    delivery,
    letters,
    milestones,
    outbox,
    registry,
    reports,
    responses,
    review,
    scheduler,
    signatures,
    web,
)
from cli.base import main

__all__ = [
    "campaigns",
    "delivery",
    "letters",
    "main",
    "milestones",
    "outbox",
    "registry",
    "reports",
    "responses",
    "review",
    "scheduler",
    "signatures",
    "web",
]
