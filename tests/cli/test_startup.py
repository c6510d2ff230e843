"""`advocacy --help` and `advocacy GROUP --help` load no heavy module (WeasyPrint, pyHanko,
SQLAlchemy, the composition root): each command imports those when it runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from cli import main
from cli.base import COMMANDS
from tests.helpers import APPEAL

HEAVY = ("weasyprint", "pyhanko", "sqlalchemy", "bootstrap")
GROUPS = sorted(
    name
    for name in main.list_commands(click.Context(main))
    if hasattr(main.get_command(click.Context(main), name), "commands")
)

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


def test_every_command_module_is_listed() -> None:
    """Each top-level command registered by a ``cli`` module is in ``COMMANDS`` (a command
    missing there would vanish from ``advocacy``), and each listed module registers its own."""
    import importlib
    import pkgutil

    import cli

    for module in pkgutil.iter_modules(cli.__path__):
        importlib.import_module(f"cli.{module.name}")
    assert set(main.commands) - {"init", "demo"} == set(COMMANDS)


# What two everyday read commands must not load: the appeal model (pydantic, Babel,
# email-validator), templates, rendering, bounce parsing, SMTP, the other commands' modules.
NOT_FOR_READING = (
    "campaigns.appeal",
    "babel",
    "email_validator",
    "jinja2",
    "weasyprint",
    "flufl",
    "aiosmtplib",
    "responses.intake",
    "cli.campaigns",
    "cli.letters",
)

RUN = """
import json, sys
from click.testing import CliRunner
from cli import main
result = CliRunner().invoke(main, sys.argv[1:])
assert result.exit_code == 0, result.output
print(json.dumps(sorted(set(sys.modules))))
"""


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An installation after ``advocacy init`` and ``campaign create`` (set up in this
    process: only the probed command needs a fresh interpreter)."""
    folder = tmp_path_factory.mktemp("startup")
    env = {
        **os.environ,
        "ADVOCACY_DATABASE_URL": f"sqlite:///{folder / 'a.db'}",
        "ADVOCACY_DATA_DIR": str(folder / "var"),
        "ADVOCACY_SMTP_URL": "",
    }
    runner = CliRunner(env=env)
    for step in (["init"], ["campaign", "create", str(APPEAL)]):
        result = runner.invoke(main, step)
        assert result.exit_code == 0, result.output
    return env


@pytest.mark.parametrize("args", [["outbox", "list"], ["report", "derecognise-lukashenka"]])
def test_read_commands_load_only_what_they_use(
    args: list[str], installation: dict[str, str]
) -> None:
    """``advocacy outbox list`` and ``advocacy report C`` start fast: none of the modules above
    are imported (``bench/bench_cli_start.py`` measures the seconds)."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env=installation,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    unwanted = {m for m in loaded if m in NOT_FOR_READING or m.split(".")[0] in NOT_FOR_READING}
    assert sorted(unwanted) == []


GC_PROBE = """
import gc, sys
from click.testing import CliRunner
import cli
gc.disable()  # as cli.run does
result = CliRunner().invoke(cli.main, ["outbox", "list"])
assert result.exit_code == 0, result.output
print(gc.isenabled(), gc.get_freeze_count() > 0)
"""


def test_start_up_turns_the_collector_back_on(installation: dict[str, str]) -> None:
    """``cli.run`` starts with the garbage collector off; building the services turns it on
    again with the start-up objects frozen, so a long command (serve, scheduler) collects."""
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE],
        env=installation,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
