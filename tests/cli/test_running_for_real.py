"""The operator's commands of issue 19 as run from a shell: users administration, campaign
list/show, bounded counts, serve's safe defaults, doctor, rehearse, and the one-line messages
for a busy database and a full disk."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from letters.documents import write_atomically
from tests.helpers import APPEAL, EXAMPLES, cli_runner

PHRASE = "lentils under a Minsk moon\n"


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path) -> Iterator[CliRunner]:
    """A runner in tmp_path for an installation after `advocacy init`."""
    with cli_runner(env, cwd=tmp_path) as runner:
        assert runner.invoke(main, ["init"]).exit_code == 0
        yield runner


def _add(run: CliRunner, email: str, role: str) -> None:
    result = run.invoke(
        main, ["users", "add", email, "--role", role, "--password-stdin"], input=PHRASE
    )
    assert result.exit_code == 0, result.output


def test_users_list_shows_roles_and_state(run: CliRunner) -> None:
    """`users list` shows each account with its role and whether it is active."""
    _add(run, "ana@org.example", "admin")
    _add(run, "ben@org.example", "viewer")
    run.invoke(main, ["users", "deactivate", "ben@org.example"])
    listed = run.invoke(main, ["users", "list"]).output
    assert "ana@org.example" in listed
    assert "ben@org.example │ viewer │ no" in listed


def test_the_last_admin_cannot_be_deactivated(run: CliRunner) -> None:
    """Deactivating the only admin fails with one line saying why."""
    _add(run, "ana@org.example", "admin")
    result = run.invoke(main, ["users", "deactivate", "ana@org.example"])
    assert result.exit_code == 1
    assert "last active admin" in result.output


def test_a_common_password_is_refused(run: CliRunner) -> None:
    """`users passwd` refuses 'password1234' naming the password."""
    _add(run, "ana@org.example", "admin")
    result = run.invoke(
        main, ["users", "passwd", "ana@org.example", "--password-stdin"], input="password1234\n"
    )
    assert result.exit_code == 1
    assert "well-known password" in result.output


def test_role_change_and_tokens_with_expiry(run: CliRunner) -> None:
    """A token made with --expires-in 90d is listed with its expiry; `users revoke` ends it."""
    _add(run, "ana@org.example", "admin")
    _add(run, "ben@org.example", "viewer")
    assert run.invoke(main, ["users", "role", "ben@org.example", "campaigner"]).exit_code == 0
    made = run.invoke(
        main, ["users", "token", "ben@org.example", "--label", "ci", "--expires-in", "90d"]
    )
    assert made.exit_code == 0
    listed = run.invoke(main, ["users", "tokens", "ben@org.example"]).output
    assert "ci" in listed
    assert "active" in listed
    assert "never" in listed  # not used yet
    assert run.invoke(main, ["users", "revoke", "1"]).exit_code == 0
    assert "revoked" in run.invoke(main, ["users", "tokens"]).output


def test_a_bad_duration_is_a_usage_error(run: CliRunner) -> None:
    """--expires-in 90 (no unit) is refused before anything is made."""
    _add(run, "ana@org.example", "admin")
    result = run.invoke(main, ["users", "token", "ana@org.example", "--expires-in", "90"])
    assert result.exit_code == 2
    assert "90d" in result.output


def test_campaign_list_and_show(run: CliRunner) -> None:
    """`campaign list` lists the campaign; `campaign show` its milestones."""
    run.invoke(main, ["campaign", "create", str(APPEAL)])
    assert "derecognise-lukashenka" in run.invoke(main, ["campaign", "list"]).output
    shown = run.invoke(main, ["campaign", "show", "derecognise-lukashenka"]).output
    assert "goal-15000" in shown
    assert "before-fac-november" in shown


@pytest.mark.parametrize("count", [str(10**30), str(2**63), str(2**31)])
def test_signatures_set_out_of_range_is_one_message(run: CliRunner, count: str) -> None:
    """A count beyond the bound fails with a message, no traceback, nothing fired."""
    run.invoke(main, ["campaign", "create", str(APPEAL)])
    result = run.invoke(main, ["signatures", "set", "derecognise-lukashenka", count])
    assert result.exit_code == 1
    assert "out of range" in result.output
    assert "Traceback" not in result.output


def test_signatures_set_says_which_milestone_fired_and_why(run: CliRunner) -> None:
    """Crossing 15,000 names the milestone and the count that met it."""
    run.invoke(main, ["campaign", "create", str(APPEAL)])
    result = run.invoke(main, ["signatures", "set", "derecognise-lukashenka", "15240"])
    assert "milestone goal-15000 fired: count: 15,240 signatures reached" in result.output


def test_serve_refuses_the_default_key_behind_https(run: CliRunner) -> None:
    """With an https base URL and the shipped secret key, serve refuses to start."""
    result = run.invoke(
        main,
        ["serve"],
        env={
            "ADVOCACY_SECRET_KEY": "dev-only-secret-change-me",
            "ADVOCACY_BASE_URL": "https://x.org",
        },
    )
    assert result.exit_code == 1
    assert "ADVOCACY_SECRET_KEY is the shipped default" in result.output


def test_serve_refuses_the_default_key_in_production(run: CliRunner) -> None:
    """ADVOCACY_ENV=production with the shipped key refuses as well."""
    result = run.invoke(
        main,
        ["serve"],
        env={"ADVOCACY_SECRET_KEY": "dev-only-secret-change-me", "ADVOCACY_ENV": "production"},
    )
    assert result.exit_code == 1
    assert "production" in result.output


def test_doctor_reports_what_to_fix(run: CliRunner) -> None:
    """doctor lists each check; an unreachable IMAP server is a failure and exit 1."""
    result = run.invoke(main, ["doctor"], env={"ADVOCACY_IMAP_URL": "imaps://u:p@127.0.0.1:1/"})
    assert result.exit_code == 1
    assert "ok   database: schema current" in result.output
    assert "fail imap: 127.0.0.1:1 cannot be reached" in result.output


def test_doctor_fails_the_default_key_in_production(run: CliRunner) -> None:
    """With ADVOCACY_ENV=production and the shipped secret key, doctor fails the secret key."""
    result = run.invoke(
        main,
        ["doctor"],
        env={"ADVOCACY_ENV": "production", "ADVOCACY_SECRET_KEY": "dev-only-secret-change-me"},
    )
    assert result.exit_code == 1
    assert "fail secret key: ADVOCACY_SECRET_KEY is the shipped default" in result.output


def test_rehearse_prints_the_seed_003_firing(run: CliRunner) -> None:
    """Rehearsing the civil-society appeal file prints the 25 August 2020 07:00 UTC firing."""
    run.invoke(main, ["recipients", "import", "--bundled"])
    result = run.invoke(
        main,
        [
            "rehearse",
            str(EXAMPLES / "appeal-civil-society-2020.yaml"),
            "--from",
            "2020-08-01",
            "--to",
            "2020-10-31",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2020-08-25 07:00 UTC  milestone before-fac-august-2020 fires" in result.output
    assert (
        "Ministry of Foreign Affairs of the Republic of Lithuania [mfa-lithuania] in en"
        in result.output
    )
    assert "0 campaigns" in run.invoke(main, ["campaign", "list"]).output  # only on the copy


def test_rehearse_uses_the_answer_due_rules(env: dict[str, str], tmp_path: Path) -> None:
    """The rehearsal's answer deadlines follow ADVOCACY_ANSWER_DUE_RULES like the service's:
    foreign ministries given 10 calendar days answer by 4 September 2020; EU institutions,
    which no rule names, after the default 20 working days (22 September)."""
    rules = {**env, "ADVOCACY_ANSWER_DUE_RULES": "foreign-ministry=10 days"}
    with cli_runner(rules, cwd=tmp_path) as run:
        assert run.invoke(main, ["init"]).exit_code == 0
        run.invoke(main, ["recipients", "import", "--bundled"])
        args = ["--from", "2020-08-01", "--to", "2020-10-31"]
        result = run.invoke(
            main, ["rehearse", str(EXAMPLES / "appeal-civil-society-2020.yaml"), *args]
        )
    assert result.exit_code == 0, result.output
    due = [line for line in result.output.splitlines() if "answers due" in line]
    ministries = [line for line in due if "mfa-lithuania" in line]
    others = [line for line in due if "eu-high-representative" in line]
    assert len(ministries) == 1
    assert ministries[0].startswith("2020-09-04")
    assert len(others) == 1
    assert others[0].startswith("2020-09-22")  # no rule for them: the default


def test_rehearse_with_counts_names_a_bad_row(run: CliRunner, tmp_path: Path) -> None:
    """A counts file with a count beyond the bound is refused naming its line."""
    run.invoke(main, ["campaign", "create", str(APPEAL)])
    counts = tmp_path / "counts.csv"
    counts.write_text("when,count\n2021-10-20,15240\n2021-10-21,99999999999\n")
    result = run.invoke(
        main,
        [
            "rehearse",
            "derecognise-lukashenka",
            "--from",
            "2021-10-01",
            "--to",
            "2021-12-01",
            "--counts",
            str(counts),
        ],
    )
    assert result.exit_code == 1
    assert "counts.csv:3: count:" in result.output


def test_a_locked_database_is_one_line(run: CliRunner, env: dict[str, str]) -> None:
    """While another process holds the write lock, a writing command fails in one line."""
    run.invoke(main, ["campaign", "create", str(APPEAL)])
    blocker = sqlite3.connect(env["ADVOCACY_DATABASE_URL"].removeprefix("sqlite:///"))
    blocker.isolation_level = None
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = run.invoke(
            main,
            ["signatures", "set", "derecognise-lukashenka", "100"],
            env={"ADVOCACY_DB_BUSY_SECONDS": "0.2"},
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 1
    assert result.output.startswith("error: the database is busy")
    assert result.output.count("\n") == 1


def test_a_full_disk_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When writing fails with ENOSPC the half-written .tmp file is removed."""

    def full(self: Path, data: bytes) -> int:
        Path.write_text(self, "half")  # some bytes made it, then the disk filled up
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError, match="No space"):
        write_atomically(tmp_path / "letter.pdf", b"%PDF")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_one_line_in_the_cli() -> None:
    """The CLI's error mapping turns ENOSPC into one sentence naming the file."""
    from cli.base import machine_problem

    said = machine_problem(OSError(errno.ENOSPC, "No space left on device", "/var/x.pdf"))
    assert said is not None
    assert said.startswith("the disk is full at /var/x.pdf")


def test_an_unreachable_imap_server_is_one_line(run: CliRunner) -> None:
    """`responses fetch` against a closed port says it cannot reach the server, no traceback."""
    result = run.invoke(
        main, ["responses", "fetch"], env={"ADVOCACY_IMAP_URL": "imap://u:p@127.0.0.1:1/INBOX"}
    )
    assert result.exit_code == 1
    assert "127.0.0.1:1: cannot connect" in result.output
    assert "Traceback" not in result.output
