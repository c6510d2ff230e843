"""The layers of the root modules, which import-linter cannot read (single files, not packages).

``lint-imports`` (pyproject's ``[tool.importlinter]``) checks every package, and the imports of
the root modules from a package; these tests check what the root modules import themselves,
every import counted (lazy ones inside functions and type-only ones too). The composition root
is a package (``bootstrap/``), checked by both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BELOW_EVERYTHING = {"settings", "timeutil", "errors", "located", "safecsv"}
COMPOSITION_ROOT = {"bootstrap", "jobs", "scheduler", "demo"}
ABOVE_THE_ROOT = {"cli", "web"}
PROJECT = (
    BELOW_EVERYTHING
    | COMPOSITION_ROOT
    | ABOVE_THE_ROOT
    | {"storage", "recipients", "campaigns", "letters", "review", "delivery", "responses"}
)
# Known upward imports, each with why it stays.
ALLOWED = {
    # Settings parse ADVOCACY_ANSWER_DUE_RULES into responses' Deadlines, lazily (a property).
    ("settings", "responses.deadlines"),
}


def sources(module: str) -> list[Path]:
    """``module``.py, or every file of the package ``module/`` (``bootstrap``)."""
    folder = ROOT / module
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [ROOT / f"{module}.py"]


def imported_by(module: str) -> set[str]:
    """Every project module ``module`` imports, wherever the import statement is."""
    names = set()
    for node in (n for path in sources(module) for n in ast.walk(ast.parse(path.read_text()))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return {name for name in names if name.split(".")[0] in PROJECT}


def test_imports_are_read_lazy_ones_too() -> None:
    """The reader sees an import inside a function (the jobs import bootstrap at the top, the
    settings' deadlines inside a property), and in every file of a package (the SMTP transport
    inside a function of ``bootstrap/channels.py``)."""
    assert "bootstrap" in imported_by("jobs")
    assert "responses.deadlines" in imported_by("settings")
    assert "delivery.smtp" in imported_by("bootstrap")


@pytest.mark.parametrize("module", sorted(BELOW_EVERYTHING))
def test_modules_below_everything_import_only_each_other(module: str) -> None:
    """settings, timeutil, errors, located and safecsv import no service package."""
    upward = {
        name
        for name in imported_by(module)
        if name.split(".")[0] not in BELOW_EVERYTHING and (module, name) not in ALLOWED
    }
    assert upward == set()


@pytest.mark.parametrize("module", sorted(COMPOSITION_ROOT))
def test_composition_root_imports_no_front_end(module: str) -> None:
    """bootstrap, jobs, scheduler and demo are what the CLI and the web call; never the reverse."""
    assert {n for n in imported_by(module) if n.split(".")[0] in ABOVE_THE_ROOT} == set()
