"""1,000 personalised letter PDFs, each its own cover followed by one shared 150,000-name annex.

Rule: the real path is ``render_many`` as ``render_batch`` calls it — the example appeal
composed for 1,000 synthetic addressees (English and Russian letters), rendered on one worker
process per core (start-up included in the time), each PDF = WeasyPrint cover + the batch's
annex attached, bytes returned to this process. The annex itself is typeset once beforehand
(``bench_annex`` times that) and is not in this figure.

Baseline: each letter rendered with its annex inline in WeasyPrint (the annex as paragraphs in
the letter's HTML). 150,000 lines in one WeasyPrint document take minutes and gigabytes, so it
is measured on a subset in the same run — letters with 0 and with ``SUBSET`` inline names — and
scaled linearly to 150,000 names; it is credited with perfect parallelism over the same number
of processes. Prints ``BENCH letters_1000 <letters/s> letters/s ratio=<vs inline annex>``.
"""

from __future__ import annotations

import os
import resource
import time
from datetime import UTC, datetime
from html import escape

import weasyprint

from bench import Report, _number
from bench.bench_annex import NAMES, synthetic_signers
from bench.world import EXAMPLES
from campaigns.appeal import load_appeal
from letters.annex import AnnexEntry, AnnexRenderer, AnnexWording
from letters.attach import ParsedAnnex
from letters.compose import ComposedLetter, compose
from letters.documents import Renderer
from letters.pdf import PdfRenderer, TemplateFolderFetcher
from letters.produce import default_workers, render_many
from letters.sandbox import render_template, template_folder
from settings import ROOT
from storage.tables import Addressee

LETTERS = 1_000
SUBSET = 1_500
TEMPLATES = ROOT / "templates"
DATED = datetime(2021, 9, 20, 9, 0, tzinfo=UTC)


def letters(count: int) -> list[ComposedLetter]:
    """``count`` letters of the example appeal to synthetic ministries, alternately en and ru."""
    appeal = load_appeal(EXAMPLES / "appeal-derecognition.yaml")
    countries = ["LT", "LV", "PL", "UA", "DE", "GB", "FR", "SE"]
    made = []
    for i in range(count):
        to = Addressee(
            key=f"mfa-{i:04d}",
            name=f"Ministry of Foreign Affairs no. {i}",
            official_name="",
            person="",
            title="",
            category="foreign-ministry",
            country=countries[i % len(countries)],
            languages="ru" if i % 2 else "en",
            email="",
            postal_address=f"Street {i}\n{10000 + i} Capital\nCountry",
            salutation="",
        )
        made.append(
            compose(
                appeal=appeal,
                addressee=to,
                letter_id=i + 1,
                language="ru" if i % 2 else "en",
                dated=DATED,
                signature_count=NAMES,
                signatures_as_of=DATED,
                message_id=f"<letter-{i:08d}@bench.example>",
                reply_to=f"reply+{i:08d}@bench.example",
            )
        )
    return made


def _entries() -> list[AnnexEntry]:
    return [
        AnnexEntry(name, ", ".join(p for p in (city, country) if p))
        for name, city, country in synthetic_signers(NAMES)
    ]


def inline_render(letter: ComposedLetter, entries: list[AnnexEntry]) -> bytes:
    """The baseline: the letter and its annex as one WeasyPrint document."""
    folder = template_folder(TEMPLATES, letter.template)
    html = render_template(folder, "letter.html.j2", letter=letter, labels=letter.labels)
    names = "".join(f"<p>{escape(e.name)} {escape(e.place)}</p>" for e in entries)
    annex = f"<section style=\"break-before: page; font: 7.5pt/1.2 'PT Sans'\">{names}</section>"
    html = html.replace("</body>", annex + "</body>")
    fetcher = TemplateFolderFetcher(folder)
    css = weasyprint.CSS(filename=str(folder / "letter.css"), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
    return bytes(document.write_pdf(stylesheets=[css], pdf_variant="pdf/a-3u"))


def _inline_seconds_per_letter(sample: list[ComposedLetter], entries: list[AnnexEntry]) -> float:
    """Seconds for one letter with a 150,000-name inline annex, scaled from 0 and SUBSET."""
    inline_render(sample[0], [])  # warm-up: fonts, CSS
    timings = {}
    for size in (0, SUBSET):
        began = time.perf_counter()
        for letter in sample:
            inline_render(letter, entries[:size])
        timings[size] = (time.perf_counter() - began) / len(sample)
    per_name = (timings[SUBSET] - timings[0]) / SUBSET
    return timings[0] + per_name * NAMES


def _children_cpu() -> float:
    """CPU seconds of finished child processes (the pool's workers, once it has shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(report: Report) -> None:
    entries = _entries()
    wording = AnnexWording(
        "Signatories — bench, as of 20 September 2021", "", "{page}/{pages}", "en"
    )
    annex = AnnexRenderer(TEMPLATES).render(entries, template="letter", wording=wording)
    workers = default_workers()
    composed = letters(LETTERS)
    renderers: dict[str, Renderer] = {"pdf": PdfRenderer(TEMPLATES)}
    report.note(f"annex: {annex.pages} pages, {len(annex.content) / 1e6:.1f} MB; {workers} workers")
    cpu_before, began = _children_cpu(), time.perf_counter()
    produced = 0
    for _letter, documents in render_many(
        renderers, composed, annex=ParsedAnnex(annex.content), workers=workers, pool_from=1
    ):
        produced += len(documents["pdf"].content)
    seconds = time.perf_counter() - began
    cpu = (_children_cpu() - cpu_before) / LETTERS
    rate = LETTERS / seconds
    report.note(
        f"{LETTERS} letters in {seconds:.1f} s, {produced / 1e9:.2f} GB of PDF; load average "
        f"{os.getloadavg()[0]:.1f}; workers used {cpu * 1000:.0f} ms CPU per letter (start-up "
        f"included), i.e. {workers / cpu:.1f} letters/s on {workers} otherwise idle cores"
    )
    inline = _inline_seconds_per_letter(composed[:2], entries)
    baseline = workers / inline
    report.note(
        f"inline annex (scaled from {SUBSET} names): {inline:.0f} s per letter, "
        f"{baseline:.4f} letters/s on {workers} processes"
    )
    line = f"BENCH letters_1000 {_number(rate)} letters/s ratio={rate / baseline:.0f}"
    print(line, file=report.out, flush=True)
