"""The ``advocacy`` command line: ``main`` is the console script's entry point.

Each submodule registers its commands on ``main`` when imported.
"""

from cli import (
    campaigns,
    delivery,
    doctor,
    letters,
    milestones,
    outbox,
    registry,
    rehearse,
    reports,
    responses,
    review,
    scheduler,
    signatures,
    users,
    web,
)
from cli.base import main

__all__ = [
    "campaigns",
    "delivery",
    "doctor",
    "letters",
    "main",
    "milestones",
    "outbox",
    "registry",
    "rehearse",
    "reports",
    "responses",
    "review",
    "scheduler",
    "signatures",
    "users",
    "web",
]
