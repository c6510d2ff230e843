"""``advocacy users add`` and ``advocacy users token`` as an operator runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.helpers import cli_runner


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path) -> Iterator[CliRunner]:
    """A runner in tmp_path for an installation after `advocacy init`."""
    with cli_runner(env, cwd=tmp_path) as runner:
        assert runner.invoke(main, ["init"]).exit_code == 0
        yield runner


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
    """A password under twelve characters is refused with a message naming the field."""
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
