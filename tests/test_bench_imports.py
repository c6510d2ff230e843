"""`make bench` runs on an install without the dev extras: every benchmark module imports
without pytest, hypothesis or playwright (a benchmark borrowing a test helper that imports
pytest failed on a fresh clone)."""

from __future__ import annotations

import subprocess
import sys

from bench.run import known
from settings import ROOT

# A fresh interpreter in which the dev-only packages cannot be imported.
PROBE = """
import importlib, sys
for name in ("pytest", "_pytest", "hypothesis", "playwright", "schemathesis"):
    sys.modules[name] = None  # import raises ModuleNotFoundError
failed = []
for bench in sys.argv[1:]:
    try:
        importlib.import_module(f"bench.bench_{bench}")
    except ImportError as exc:
        failed.append(f"{bench}: {exc}")
print("\\n".join(failed))
"""


def test_benchmarks_import_without_the_dev_extras() -> None:
    names = known()
    assert {"batch", "cli_start", "pages", "responses", "signatures"} <= set(names)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == ""


def test_the_probe_notices_a_pytest_import() -> None:
    """The probe fails a module that imports pytest (so the test above can fail)."""
    code = PROBE.replace(
        "failed = []",
        "failed = []\ntry:\n    import pytest\nexcept ImportError as e:\n    failed.append(str(e))",
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "pytest" in done.stdout
