"""``advocacy render`` and ``advocacy verify`` as a user runs them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cli import main
from tests.helpers import CAMPAIGN, cli_runner, cli_services, load_examples, reach_milestone
from tests.letters.test_signatories import add_signer
from tests.letters.test_signing import PASSPHRASE, make_key_file


@pytest.fixture
def env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The shared CLI installation, signing with a throwaway key."""
    return {
        **env,
        "ADVOCACY_SIGNING_KEY_FILE": str(make_key_file(tmp_path / "org.p12")),
        "ADVOCACY_SIGNING_KEY_PASSPHRASE": PASSPHRASE.decode(),
    }


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path) -> Iterator[CliRunner]:
    """A runner for a database holding the example campaign at its first milestone."""
    with closing(cli_services(env)) as services:
        load_examples(services)
        add_signer(services, "Anna Nowak", city="Kraków", country="PL")
        reach_milestone(services)
    with cli_runner(env, cwd=tmp_path) as runner:
        yield runner


def test_render_one_recipient_copies_its_pdf(run: CliRunner, tmp_path: Path) -> None:
    """--recipient renders that addressee's letter only; --out receives its signed PDF."""
    out = tmp_path / "out"
    result = run.invoke(main, ["render", CAMPAIGN, "--recipient", "mfa-poland", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "rendered 1 letter(s)" in result.output
    [pdf] = out.iterdir()
    assert pdf.name == "mfa-poland.r1.pdf"
    assert "Anna Nowak" in PdfReader(pdf).pages[-1].extract_text()


def test_render_format_email_copies_emails(run: CliRunner, tmp_path: Path) -> None:
    """--format email puts the .eml file in --out (every format is stored regardless); one
    addressee's letter shows it (the whole batch would only lay out seven more PDFs)."""
    out = tmp_path / "out"
    result = run.invoke(
        main,
        ["render", CAMPAIGN, "--recipient", "mfa-poland", "--format", "email", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["mfa-poland.r1.eml"]
    stored = {p.suffix for p in (tmp_path / "var" / "documents").rglob("mfa-poland.r1.*")}
    assert stored >= {".pdf", ".docx", ".eml"}


def test_render_unknown_recipient_is_an_error(run: CliRunner) -> None:
    """A key that is not in the registry stops with a message, exit status 1."""
    result = run.invoke(main, ["render", CAMPAIGN, "--recipient", "mfa-atlantis"])
    assert result.exit_code == 1
    assert "no addressee 'mfa-atlantis'" in result.output


def test_render_twice_has_nothing_left(run: CliRunner) -> None:
    """Rendered letters are not pending any more: a second run says so."""
    run.invoke(main, ["render", CAMPAIGN, "--recipient", "mfa-poland"])
    result = run.invoke(main, ["render", CAMPAIGN, "--recipient", "mfa-poland"])
    assert result.exit_code == 0
    assert "nothing to render" in result.output


def test_verify_reports_a_rendered_letter_intact_and_valid(run: CliRunner, tmp_path: Path) -> None:
    """A letter signed with the configured key is intact, valid and trusted."""
    run.invoke(main, ["render", CAMPAIGN, "--recipient", "uk-fcdo", "--out", str(tmp_path)])
    result = run.invoke(main, ["verify", str(tmp_path / "uk-fcdo.r1.pdf")])
    assert result.exit_code == 0, result.output
    assert "intact=yes valid=yes trusted=yes whole document=yes" in result.output


def test_verify_an_unsigned_pdf_says_not_signed(run: CliRunner, tmp_path: Path) -> None:
    """A PDF without a signature (the batch's annex) is reported as 'not signed', status 1."""
    run.invoke(main, ["render", CAMPAIGN, "--recipient", "uk-fcdo"])
    annex = next((tmp_path / "var").rglob("annex-en.pdf"))
    result = run.invoke(main, ["verify", str(annex)])
    assert result.exit_code == 1
    assert "not signed" in " ".join(result.output.split())  # rich may wrap a long path


def test_render_lists_a_failed_letter_and_exits_1(
    run: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    """The other letters render; the broken one is listed with its reason, exit status 1."""
    from sqlalchemy import update

    from storage.tables import Addressee

    with closing(cli_services(env)) as services, services.db.unit_of_work() as uow:
        uow.execute(
            update(Addressee).where(Addressee.key == "uk-fcdo").values(postal_address="東京")
        )
    result = run.invoke(main, ["render", CAMPAIGN])
    assert result.exit_code == 1
    assert "rendered 7 letter(s)" in result.output
    assert "(uk-fcdo): address line" in " ".join(result.output.split())


def test_campaign_check_reports_findings_and_exits_1(run: CliRunner) -> None:
    """The example's placeholders are findings: listed, exit status 1."""
    result = run.invoke(main, ["campaign", "check", CAMPAIGN])
    assert result.exit_code == 1
    assert "placeholder text '(example)'" in " ".join(result.output.split())


def test_campaign_targets_shows_language_and_why(run: CliRunner) -> None:
    """Each addressee's letter language is shown with the reason it was chosen."""
    result = run.invoke(main, ["campaign", "targets", CAMPAIGN])
    assert result.exit_code == 0, result.output
    assert "letter in" in result.output
    assert "registry #1" in result.output
