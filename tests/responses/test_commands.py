"""The responses and report commands, run through the CLI on a temporary installation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result

import bootstrap
from cli import main
from tests.delivery.steps import deliveries, queued_batch
from tests.helpers import CAMPAIGN, cli_runner, cli_services
from tests.responses.samples import dsn_bounce, person


@pytest.fixture
def installed(env: dict[str, str]) -> Iterator[bootstrap.Services]:
    """The example batch, approved and delivered, on the CLI's database."""
    with closing(cli_services(env)) as services:
        queued_batch(services)
        services.worker().drain_sync()
        yield services


@pytest.fixture
def run(env: dict[str, str], tmp_path: Path, installed: bootstrap.Services) -> Iterator[CliRunner]:
    """A runner in tmp_path for that installation."""
    with cli_runner(env, cwd=tmp_path) as runner:
        yield runner


def ok(run: CliRunner, *args: str) -> Result:
    result = run.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_unknown_reply_is_penned_then_assigned(run: CliRunner, tmp_path: Path) -> None:
    """An imported reply nobody matches is listed in the pen and assigned by addressee."""
    (tmp_path / "reply.eml").write_bytes(person("Aide <aide@x.example>", "info@x.example"))
    assert "1 unmatched" in ok(run, "responses", "import", str(tmp_path / "reply.eml")).output
    listed = ok(run, "responses", "pen").output
    assert "Aide <aide@x.example>" in listed
    message_id = listed.split()[0]
    ok(run, "responses", "assign", message_id, "--addressee", "mfa-poland", "--campaign", CAMPAIGN)
    assert ok(run, "responses", "pen").output == "the holding pen is empty\n"
    report = json.loads(ok(run, "report", CAMPAIGN, "--format", "json").output)
    [poland] = [r for r in report["rows"] if r["addressee_key"] == "mfa-poland"]
    assert poland["status"] == "responded"


def test_logged_answer_and_set_status_show_in_the_csv(run: CliRunner) -> None:
    """A logged meeting answer and a refusal set by hand appear in the CSV report."""
    ok(
        run,
        "responses",
        "log",
        CAMPAIGN,
        "mfa-latvia",
        "--channel",
        "meeting",
        "--stance",
        "supportive",
        "--summary",
        "Will raise it at the Council",
    )
    ok(run, "responses", "status", CAMPAIGN, "mfa-poland", "--set", "refused")
    lines = ok(run, "report", CAMPAIGN, "--format", "csv").output.splitlines()
    latvia = next(line for line in lines if line.startswith("mfa-latvia,"))
    assert all(f",{word}," in latvia for word in ("responded", "meeting", "supportive"))
    assert ",refused," in next(line for line in lines if line.startswith("mfa-poland,"))


def test_pdf_report_has_the_figures_and_only_bundled_fonts(run: CliRunner, tmp_path: Path) -> None:
    """The PDF report shows the title, the rate and the chart, set in the bundled PT Sans."""
    ok(run, "report", CAMPAIGN, "--format", "pdf", "--out", str(tmp_path / "r.pdf"))
    reader = pypdf.PdfReader(tmp_path / "r.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert all(words in text for words in ("Response rate", "Timeline", "too few to rate"))
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts <= {"PT-Sans", "PT-Sans-Bold"}


def test_html_report_embeds_svg_and_no_script(run: CliRunner) -> None:
    """The HTML report carries its charts as inline SVG and no JavaScript."""
    html = ok(run, "report", CAMPAIGN, "--format", "html").output
    assert html.count("<svg") == 2
    assert "<script" not in html


def test_league_lists_every_delivered_addressee(run: CliRunner) -> None:
    """The league table ranks the addressees the campaign delivered to."""
    assert "mfa-poland" in ok(run, "report", "--league").output


def test_bounce_of_our_delivery_goes_to_the_delivery_engine(
    run: CliRunner, tmp_path: Path, installed: bootstrap.Services
) -> None:
    """A DSN naming one of our deliveries (signed VERP) is recorded by delivery.bounces."""
    [row] = [d for d in deliveries(installed) if d.recipient == "mfa@poland-mfa.example"]
    raw = dsn_bounce(row.recipient, row.message_id).replace(
        b"bounce+1@replies.advocacy.example", installed.identities.bounce_address(row.id).encode()
    )
    (tmp_path / "dsn.eml").write_bytes(raw)
    assert "1 bounce" in ok(run, "responses", "import", str(tmp_path / "dsn.eml")).output
    assert ok(run, "responses", "pen", "--view", "apart").output == "the holding pen is empty\n"
    assert " bounced " in ok(run, "responses", "pen", "--view", "done").output
