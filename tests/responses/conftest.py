"""Fixtures shared by the response tests."""

from __future__ import annotations

import pytest

from bootstrap import Services
from storage.tables import Letter
from tests.helpers import load_examples, reach_milestone
from tests.responses.replies import letters_by_key


@pytest.fixture
def letters(services: Services) -> dict[str, Letter]:
    """The first milestone's letters, by addressee key (no rendering needed to match)."""
    load_examples(services)
    reach_milestone(services)
    return letters_by_key(services)
