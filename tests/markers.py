"""Marks shared by test modules (apart from ``tests.helpers``, which the benchmarks import and
so must not need pytest)."""

import pytest

SQLITE_ONLY = pytest.mark.sqlite_only  # tests/conftest.py: pytest_generate_tests
