"""`responses import`, `pen` and `assign` on the command line: each message's outcome and a
summary, quarantined mail listed with its reason, one message assigned to several letters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from storage.tables import Letter
from tests.helpers import cli_runner, cli_services, load_examples, reach_milestone
from tests.responses.replies import letters_by_key, reply


@pytest.fixture
def letters_on_cli(env: dict[str, str]) -> dict[str, Letter]:
    """The example campaign's letters (not rendered) on the CLI's database."""
    with closing(cli_services(env)) as services:
        load_examples(services)
        reach_milestone(services)
        return letters_by_key(services)


@pytest.fixture
def run(
    env: dict[str, str], tmp_path: Path, letters_on_cli: dict[str, Letter]
) -> Iterator[CliRunner]:
    with cli_runner(env, cwd=tmp_path) as runner:
        yield runner


def ok(run: CliRunner, *args: str) -> Result:
    result = run.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _folder(tmp_path: Path, env: dict[str, str], letters: dict[str, Letter]) -> Path:
    with closing(cli_services(env)) as services:
        to = services.identities.reply_to(letters["mfa-poland"].reply_token)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1-answer.eml").write_bytes(reply(to=to))
    (folder / "2-empty.eml").write_bytes(b"")
    (folder / "3-stranger.eml").write_bytes(reply())
    return folder


def test_import_prints_each_outcome_and_a_summary(
    run: CliRunner, tmp_path: Path, env: dict[str, str], letters_on_cli: dict[str, Letter]
) -> None:
    """One line per message (letter, addressee, rule, kind; pen number; reason), then counts."""
    output = ok(run, "responses", "import", str(_folder(tmp_path, env, letters_on_cli))).output
    poland = letters_on_cli["mfa-poland"].id
    assert output.splitlines() == [
        f"1-answer.eml: stored as response on letter {poland} to mfa-poland by token",
        "2-empty.eml: quarantined as pen #2: empty message",
        "3-stranger.eml: unmatched as pen #3",
        "1 stored, 1 quarantined, 1 unmatched",
    ]


def test_pen_lists_quarantined_mail_with_its_reason(
    run: CliRunner, tmp_path: Path, env: dict[str, str], letters_on_cli: dict[str, Letter]
) -> None:
    """The quarantined message is among those to sort, its reason on the line below it."""
    ok(run, "responses", "import", str(_folder(tmp_path, env, letters_on_cli)))
    lines = ok(run, "responses", "pen").output.splitlines()
    assert [line.split()[:2] for line in lines if line[:5].strip()] == [
        ["3", "unmatched"],
        ["2", "quarantined"],
    ]
    assert lines[-1].strip() == "empty message"


def test_assign_attaches_one_message_to_several_letters(
    run: CliRunner, tmp_path: Path, env: dict[str, str], letters_on_cli: dict[str, Letter]
) -> None:
    """`responses assign 3 A B` makes one response on each letter."""
    ok(run, "responses", "import", str(_folder(tmp_path, env, letters_on_cli)))
    a, b = letters_on_cli["mfa-latvia"].id, letters_on_cli["mfa-lithuania"].id
    output = ok(run, "responses", "assign", "3", str(a), str(b)).output
    assert [line.split(" on letter ")[1].split()[0] for line in output.splitlines()] == [
        str(a),
        str(b),
    ]
