"""A small rendered batch for review tests: two letters with email addresses, awaiting review."""

from __future__ import annotations

import pytest

from bootstrap import Services
from tests.review.steps import Batch, rendered_batch


@pytest.fixture
def batch(services: Services) -> Batch:
    """Two letters (mfa-ukraine in Russian, uk-fcdo in English) rendered and awaiting review."""
    return rendered_batch(services)
