"""``advocacy users add`` and ``advocacy users token`` as an operator runs them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from settings import ROOT


@pytest.fixture
def run(tmp_path: Path) -> Iterator[CliRunner]:
    env = {
        "ADVOCACY_DATABASE_URL": f"sqlite:///{tmp_path / 'advocacy.db'}",
        "ADVOCACY_DATA_DIR": str(tmp_path / "var"),
        "ADVOCACY_SECRET_KEY": "cli-test-secret",
    }
    os.chdir(tmp_path)
    runner = CliRunner(env=env)
    assert runner.invoke(main, ["init"]).exit_code == 0
    yield runner
    os.chdir(ROOT)


def test_add_user_reads_the_password_from_stdin(run: CliRunner) -> None:
    """--password-stdin takes the first line of standard input as the password."""
    result = run.invoke(
        main,
        ["users", "add", "Ana@Org.example", "--role", "reviewer", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "user ana@org.example added (reviewer)" in result.output


def test_short_password_is_refused(run: CliRunner) -> None:
    """A password under ten characters is refused with a message naming the field."""
    result = run.invoke(
        main,
        ["users", "add", "ana@org.example", "--role", "viewer", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "password" in result.output


def test_token_is_printed_once(run: CliRunner) -> None:
    """A token for an existing user is printed; for an unknown user the command fails."""
    run.invoke(
        main,
        ["users", "add", "ana@org.example", "--role", "viewer", "--password-stdin"],
        input="a long enough password\n",
    )
    issued = run.invoke(main, ["users", "token", "ana@org.example"])
    assert issued.exit_code == 0
    assert issued.output.startswith("adv_")
    assert run.invoke(main, ["users", "token", "nobody@org.example"]).exit_code == 1
