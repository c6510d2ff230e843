"""`advocacy --help` and `advocacy GROUP --help` load no heavy module (WeasyPrint, pyHanko,
SQLAlchemy, the composition root): each command imports those when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

from cli import main

HEAVY = ("weasyprint", "pyhanko", "sqlalchemy", "bootstrap")
GROUPS = sorted(name for name, command in main.commands.items() if hasattr(command, "commands"))

# A fresh interpreter (this one has imported everything already): import the CLI, build the
# root's help and every group's help, and list the heavy modules that were loaded.
PROBE = """
import json, sys
from click.testing import CliRunner
from cli import main
runner = CliRunner()
outputs = [runner.invoke(main, [*path, "--help"]) for path in [[], *[[g] for g in sys.argv[1:]]]]
assert all(r.exit_code == 0 and "Usage:" in r.output for r in outputs), [r.output for r in outputs]
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.stdin.read())))
print(json.dumps(heavy))
"""


def loaded_after_help(groups: list[str]) -> list[str]:
    """Heavy top-level modules in ``sys.modules`` after building these groups' help."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *groups],
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def test_groups_are_found() -> None:
    """The probe covers the command groups (so a renamed group cannot make it vacuous)."""
    assert {"outbox", "responses", "review", "signatures", "recipients"} <= set(GROUPS)


def test_help_of_root_and_groups_loads_no_heavy_module() -> None:
    """Help for `advocacy` and each group leaves WeasyPrint, pyHanko, SQLAlchemy, bootstrap out."""
    assert loaded_after_help(GROUPS) == []


def test_probe_sees_a_heavy_import() -> None:
    """The probe itself notices a heavy module when one is imported (it can fail)."""
    code = PROBE.replace("from cli import main", "import sqlalchemy.orm\nfrom cli import main")
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(done.stdout) == ["sqlalchemy"]
