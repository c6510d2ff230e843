"""Render speed: one full letter (PDF, plus the email with that PDF attached) per addressee.

Rule: both contenders render the same composed letters of the example campaign
(examples/appeal-derecognition.yaml × examples/addressees-demo.csv, one letter without an email
address, so PDF only, as ``render_batch`` would). The real path is ``render_letter`` with the
renderers ``bootstrap`` builds. The baseline is the obvious first implementation, frozen here
so later improvements show up as a rising ratio: for every letter a newly built Jinja
environment (templates compiled again) and a WeasyPrint render with default font handling
(a new FontConfiguration, so the bundled @font-face fonts are loaded again), same options.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

import jinja2
import weasyprint
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bench import Report, alternate
from bench.world import composed_letters, example_batch, services_in
from letters.compose import ComposedLetter
from letters.pdf import TemplateFolderFetcher
from letters.service import render_letter

SECONDS = 12.0  # timed rounds (each contender gets about half); warm-up and setup come on top


def naive_render(templates_dir: Path, letter: ComposedLetter) -> dict[str, bytes]:
    """Render one letter with nothing kept from the previous one."""
    folder = templates_dir / letter.template
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    context = {"letter": letter, "labels": letter.labels}
    html = env.get_template("letter.html.j2").render(**context)
    fetcher = TemplateFolderFetcher(folder)
    stylesheet = weasyprint.CSS(filename=str(folder / "letter.css"), url_fetcher=fetcher)
    pdf = weasyprint.HTML(
        string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/a-3u", uncompressed_pdf=False)
    documents = {"pdf": pdf}
    if letter.recipient_email:
        message = EmailMessage(policy=SMTP)
        message["From"] = Address(letter.sender.name, addr_spec=letter.sender.email)
        message["To"] = Address(letter.addressee_name, addr_spec=letter.recipient_email)
        message["Reply-To"] = Address(letter.sender.organisation, addr_spec=letter.reply_to)
        message["Subject"] = letter.subject
        message["Date"] = format_datetime(letter.date)
        message["Message-ID"] = letter.message_id
        message.set_content(env.get_template("email.txt.j2").render(**context))
        message.add_alternative(env.get_template("email.html.j2").render(**context), subtype="html")
        message.add_attachment(
            pdf,
            maintype="application",
            subtype="pdf",
            filename=f"appeal-{letter.addressee_key}.pdf",
        )
        message["Content-Language"] = letter.language
        documents["email"] = message.as_bytes()
    return documents


def run(report: Report) -> None:
    services = services_in(report.workdir)
    try:
        letters = composed_letters(services, example_batch(services))
        templates_dir = services.settings.templates_dir
        # The same formats as the baseline: PDF and email (the DOCX is benchmarked on its own).
        renderers = {k: v for k, v in services.renderers.items() if k != "docx"}

        def real_round() -> int:
            for letter in letters:
                render_letter(renderers, letter)
            return len(letters)

        def naive_round() -> int:
            for letter in letters:
                naive_render(templates_dir, letter)
            return len(letters)

        # Warm-up: imports, first template compile, font caches the OS keeps between renders.
        real_pdfs = [render_letter(renderers, letter)["pdf"].content for letter in letters]
        naive_pdfs = [naive_render(templates_dir, letter)["pdf"] for letter in letters]
        if real_pdfs != naive_pdfs:
            report.note("the baseline's PDFs differ from the real ones; compare with care")
        report.note(f"{len(letters)} letters per round, about {SECONDS:.0f} s of rounds")
        seconds = alternate({"real": real_round, "naive": naive_round}, seconds=SECONDS)
    finally:
        services.close()
    real, naive = seconds["real"], seconds["naive"]
    report.versus("ms_per_letter", "ms", value=real * 1000, baseline=naive * 1000)
    report.versus("letters_per_s", "letters/s", value=1 / real, baseline=1 / naive)
