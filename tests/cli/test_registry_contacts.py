"""`advocacy recipients set / verify / flag / history / list --failing` and import --dry-run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.helpers import cli_runner

REGISTRY = (
    "key,name,category,country,email,email_source,postal_address,tags\n"
    "mfa-japan,MFA Japan,foreign-ministry,JP,,,,g7\n"
    "mfa-latvia,MFA Latvia,foreign-ministry,LV,pasts@mfa.example,mfa.example contacts,"
    "K. Valdemāra 3,eu27\n"
)


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path) -> Iterator[CliRunner]:
    """An initialised installation with two addressees."""
    with cli_runner(env, cwd=tmp_path) as runner:
        assert runner.invoke(main, ["init"]).exit_code == 0
        (tmp_path / "r.csv").write_text(REGISTRY)
        assert runner.invoke(main, ["recipients", "import", "r.csv"]).exit_code == 0
        yield runner


def ok(run: CliRunner, *args: str) -> str:
    result = run.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_set_changes_only_the_named_field(run: CliRunner) -> None:
    """`set KEY email=…` changes the email and reports it field by field."""
    out = ok(run, "recipients", "set", "mfa-japan", "email=info@mofa.example")
    assert "mfa-japan.email: '' → 'info@mofa.example'" in out
    listed = ok(run, "recipients", "list", "--country", "JP")
    assert "info@mofa.example (unconfirmed)" in listed


def test_set_dry_run_writes_nothing(run: CliRunner) -> None:
    """`set --dry-run` shows the change and leaves the registry as it was."""
    out = ok(run, "recipients", "set", "mfa-japan", "title=Minister", "--dry-run")
    assert "would change mfa-japan: 1 field" in out
    assert "title" not in ok(run, "recipients", "history", "mfa-japan")


def test_set_refuses_an_unknown_field(run: CliRunner) -> None:
    """A misspelt field is refused with the list of fields, exit 1, nothing changed."""
    result = run.invoke(main, ["recipients", "set", "mfa-japan", "emial=x@y.example"])
    assert result.exit_code == 1
    assert "emial" in result.output
    assert "not a settable field" in result.output


def test_import_dry_run_shows_each_field(run: CliRunner, tmp_path: Path) -> None:
    """`import --update --dry-run` of key,email prints the one field it would change."""
    (tmp_path / "u.csv").write_text("key,email\nmfa-latvia,new@mfa.example\n")
    out = ok(run, "recipients", "import", "u.csv", "--update", "--dry-run")
    assert "would import u.csv: 0 new, 1 updated" in out
    assert "mfa-latvia.email: 'pasts@mfa.example' → 'new@mfa.example'" in out
    assert "pasts@mfa.example" in ok(run, "recipients", "list", "--country", "LV")


def test_verify_records_a_confirmation(run: CliRunner) -> None:
    """`verify --by` dates the contacts, clears the unconfirmed mark and is in the history."""
    out = ok(run, "recipients", "verify", "mfa-latvia", "--by", "Alesia", "--note", "phoned")
    assert "email, postal_address confirmed by Alesia" in out
    assert "(unconfirmed)" not in ok(run, "recipients", "list", "--country", "LV")
    history = ok(run, "recipients", "history", "mfa-latvia", "--field", "email_verified_on")
    assert "confirmed by Alesia" in history


def test_verify_without_a_contact_names_the_fix(run: CliRunner) -> None:
    """Confirming an addressee with no contact says which command adds one."""
    result = run.invoke(main, ["recipients", "verify", "mfa-japan", "--by", "Alesia"])
    assert result.exit_code == 1
    assert "advocacy recipients set mfa-japan email=" in result.output


def test_no_channel_names_the_command_that_adds_one(run: CliRunner) -> None:
    """The list shows the `set` command for an addressee without any contact."""
    assert "advocacy recipients set mfa-japan email=" in ok(run, "recipients", "list")


def test_flagged_contact_is_failing_until_fixed(run: CliRunner) -> None:
    """A contact flagged as failing is listed by --failing until `set` fixes it."""
    ok(
        run,
        "recipients",
        "flag",
        "mfa-latvia",
        "--contact",
        "email",
        "--reason",
        "550 no such user",
    )
    failing = ok(run, "recipients", "list", "--failing")
    assert "mfa-latvia" in failing
    assert "550 no such user" in failing
    ok(run, "recipients", "set", "mfa-latvia", "email=desk@mfa.example")
    assert "0 failing contacts" in ok(run, "recipients", "list", "--failing")
