"""The ``advocacy`` command as a user runs it: exit codes, messages, and what lands on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cli import main
from tests.helpers import EXAMPLES, cli_runner


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path) -> Iterator[CliRunner]:
    """A runner for the isolated installation, in tmp_path."""
    with cli_runner(env, cwd=tmp_path) as runner:
        yield runner


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(main)), ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    """`advocacy … --help` works for every command and says something."""
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.slow
def test_demo_twice_duplicates_nothing(run: CliRunner, env: dict[str, str], tmp_path: Path) -> None:
    """The demo leaves readable PDFs (each ending with the annex of consenting signers) and
    Maildir messages; a second run adds none. The first run is the installed command in its
    own process; the second, the same command in this one (a second interpreter would only
    import the renderers again, ~1.5 s of CPU)."""
    command = [str(Path(sys.executable).parent / "advocacy"), "demo"]
    full_env = {**os.environ, **env}
    first = subprocess.run(command, env=full_env, cwd=tmp_path, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "7 written to outbox" in first.stdout
    outbox = tmp_path / "var" / "outbox" / "new"
    pdfs = sorted((tmp_path / "var" / "documents").rglob("*.pdf"))
    assert len(list(outbox.iterdir())) == 7
    assert len(pdfs) == 10  # eight letters and the batch's annexes (English and Russian)
    russian = PdfReader(next(p for p in pdfs if p.name.startswith("mfa-ukraine")))
    assert "Уважаемый господин Министр" in russian.pages[0].extract_text()
    annex = russian.pages[-1].extract_text()
    assert "Подписавшие" in annex  # the Russian letter's annex is in Russian
    assert "Hleb Ščarbakoŭ" in annex  # consented to be listed
    assert "Siarhiej" not in annex  # did not consent
    assert "mail.example" not in annex  # emails are never listed
    second = run.invoke(main, ["demo"])
    assert second.exit_code == 0, second.output
    assert len(list(outbox.iterdir())) == 7
    assert len(sorted((tmp_path / "var" / "documents").rglob("*.pdf"))) == 10
    assert "reply from uk-fcdo: duplicate" in second.output


def test_bad_registry_file_names_line_and_field(run: CliRunner, tmp_path: Path) -> None:
    """A bad row makes the import fail with FILE:LINE: field, exit 1, and nothing stored."""
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "key,name,category,country,languages,email\n"
        "mfa-estonia,Ministry of Foreign Affairs of Estonia,foreign-ministry,EE,et;en,\n"
        "mfa-nowhere,Ministry of Nowhere,ministry,XX,en,not-an-address\n"
    )
    assert run.invoke(main, ["init"]).exit_code == 0
    result = run.invoke(main, ["recipients", "import", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3: category:" in result.output
    assert f"{bad}:3: country:" in result.output
    assert f"{bad}:3: email:" in result.output
    listed = run.invoke(main, ["recipients", "list"])
    assert "mfa-estonia" not in listed.output


def test_unknown_campaign_is_a_clear_error(run: CliRunner) -> None:
    """Naming a campaign that does not exist exits 1 with a message, not a traceback."""
    assert run.invoke(main, ["init"]).exit_code == 0
    result = run.invoke(main, ["signatures", "set", "no-such-campaign", "10"])
    assert result.exit_code == 1
    assert "no campaign 'no-such-campaign'" in result.output
    assert "Traceback" not in result.output


def test_a_database_without_tables_asks_for_init(run: CliRunner) -> None:
    """Any command on a database nobody ran `advocacy init` on says so, not a traceback."""
    result = run.invoke(main, ["campaign", "create", str(EXAMPLES / "appeal-derecognition.yaml")])
    assert result.exit_code == 1
    assert "run 'advocacy init'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["serve", "--port", "9"], ["scheduler"]])
def test_long_running_commands_refuse_a_database_without_schema(
    run: CliRunner, command: list[str]
) -> None:
    """`serve` and `scheduler` stop at once on a database `init` never set up, instead of
    serving pages and jobs that each fail."""
    result = run.invoke(main, command)
    assert result.exit_code == 1
    assert "the database has no schema yet; run 'advocacy init' first" in result.output


def test_create_warns_of_a_dated_milestone_already_past(run: CliRunner) -> None:
    """The example's Foreign Affairs Council of 2021 is past: creating the campaign says that
    the next check fires it late, whatever the count."""
    assert run.invoke(main, ["init"]).exit_code == 0
    result = run.invoke(main, ["campaign", "create", str(EXAMPLES / "appeal-derecognition.yaml")])
    assert result.exit_code == 0
    assert "warning: milestone before-fac-november was due 2021-11-13 08:00 UTC" in result.output
    assert "goal-15000" not in result.output  # a count milestone is never "past"


def test_step_by_step_path(run: CliRunner, tmp_path: Path) -> None:
    """The README's commands, one by one, end with letters written to the outbox."""
    steps = [
        ["init"],
        ["recipients", "import", str(EXAMPLES / "addressees-demo.csv")],
        ["campaign", "create", str(EXAMPLES / "appeal-derecognition.yaml")],
        ["signatures", "set", "derecognise-lukashenka", "15240"],
        ["render", "derecognise-lukashenka", "--out", str(tmp_path / "letters")],
        ["review", "approve", "--batch", "1", "--despite-findings"],
        ["deliver", "derecognise-lukashenka"],
    ]
    for step in steps:
        result = run.invoke(main, step)
        assert result.exit_code == 0, (step, result.output)
    assert "7 written to outbox" in result.output
    assert len(list((tmp_path / "letters").glob("*.pdf"))) == 8
    report = run.invoke(main, ["report", "derecognise-lukashenka"])
    assert "7 delivered" in report.output
