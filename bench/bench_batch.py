"""The whole render path a campaigner waits for: ``advocacy render`` of a 1,000-letter batch.

Rule: unlike ``bench_letters`` (PDFs only, bytes returned), this is ``Services.render`` as the
CLI and the scheduler call it: compose from the database, PDF with the batch's 150,000-name
annex attached, DOCX, and an email carrying the PDF, every document hashed, written to disk and
recorded, on one worker process per core. The annex itself is typeset beforehand (untimed;
``bench_annex`` times it). Half the addressees get their letter in Russian.

Baseline: the same path on one process (``workers=1``), measured on 100 letters of a second,
identical campaign in the same run. Prints ``BENCH render_batch_1000 <letters/s> letters/s
ratio=<vs one process>``, and notes the CPU seconds per letter of this process and its workers
(start-up included), which other load on the machine does not change much: cores ÷ that is what
otherwise idle cores give.

Figures (2 cores shared with other work; load average beside each; issue 20):
- before (main at 2126841): 3.9 letters/s at load 11.9; the issue measured 16.8 on a quiet
  machine. In one process, 125 ms CPU per letter: cover 41, DOCX 25, email 15, storing and
  writing ~30 (one transaction per letter, 4 MB of documents pickled back to this process),
  annex attach 4, hashes 2.
- after (issue-20-render): 22.6 letters/s at load 2.4, 81 ms CPU per letter, i.e. about 25
  letters/s on otherwise idle cores (9.3 letters/s at load 4.3, 89 ms). What is left, per
  letter: cover 30 ms (WeasyPrint laying out the letter's head and painting; the body's layout
  is already reused, the QR code replayed), DOCX 13 (python-docx parsing its template and
  building the body), email 7-11 (MIME building; the annex's base64 reused on a hit), writing
  4 MB and storing ~6, annex attach 4-6 (pypdf reading each cover), hashes 2, worker start-up
  ~6 (imports; each worker serialises each language's annex once). ``letters_1000`` (the PDF
  alone) in the same state: 35.7 letters/s at load 2.3, 46 ms CPU per letter.
- after (issue-20-render2): 26.2 letters/s at load 1.7, 68-72 ms CPU per letter (main at
  c100f08 beside it, at load 4.5: 96 ms; this branch at load 5.6-7.1: 78-80 ms). In one process
  without storing (60 letters, caches warm), 62 -> 50 ms a letter: DOCX 15 -> 5 (the template
  opened once per process, letters copied from a blank document), attach 4.3 -> 1.6 (the
  cover's catalogue and page tree read alone), email 4.9 -> 4.4 (headers parsed and folded
  once). Workers keep to one language each (``letters.lanes``). Until this branch the baseline
  batch typeset its Russian annex inside its timing (only the default language's was made
  beforehand): ratio 3.06 then, 1.83 now. What is left, per letter: cover ~28 ms (head layout
  and painting every page, though pages after the first are the same in every letter), writing
  4.6 MB ~4, hashes ~3, email ~4 plus ~1.3 of base64 misses (57 alignments a language a worker),
  DOCX 5, storing ~3.5 in this process, worker start-up ~3.
- after (issue 20, second session): 51.1 letters/s at load 2.7-4.7 on a fresh clone (ratio
  2.42), 47 -> ~43 ms CPU per letter. Lines of text letters share are drawn once and replayed
  (``letters.text_replay``: a cover's paint 11.9 -> 5.7 ms); the documents are dropped from the
  page cache once written (writing 4 MB into fresh page cache cost ~6 ms a letter on this
  virtual machine, into recycled pages ~1.5); each font face hashed once per process for the
  host-font check (it copied and hashed 0.3-1 MB per font per letter); the body's Markdown
  rendered once; the review text's revision taken from the group's query. ``letters_1000`` in
  the same run: 72.1 letters/s. Left per letter: head layout ~10 ms, paint ~5.7, pydyf ~2.8,
  DOCX ~4, email ~3.5, hashes ~3, worker start-up ~3 (imports 0.75 s a worker).
"""

from __future__ import annotations

import csv
import os
import resource
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from bench import Report, _number
from bench.bench_annex import NAMES, signer_rows
from bench.world import ACTOR, EXAMPLES, services_in
from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.signatures import set_count
from campaigns.store import create_campaign
from letters.signatories import batch_annex
from recipients import registry
from storage.tables import Batch, Signer

LETTERS = 1_000
BASELINE = 100
COUNTRIES = ["LT", "LV", "PL", "UA", "DE", "GB", "FR", "SE"]
LANGUAGES = ("en", "ru")  # alternately


def _registry(path: Path, count: int, tag: str) -> None:
    with path.open("w", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["key", "name", "category", "country", "languages", "email", "tags"])
        for i in range(count):
            rows.writerow(
                [
                    f"{tag}-{i:04d}",
                    f"Ministry of Foreign Affairs no. {i}",
                    "foreign-ministry",
                    COUNTRIES[i % 8],
                    LANGUAGES[i % 2],
                    f"desk{i}@{tag}-{i}.example",
                    tag,
                ]
            )


def _batch(s: Services, workdir: Path, key: str, count: int) -> int:
    """A campaign writing to ``count`` new addressees, its milestone fired and its 150,000
    consenting signers stored; the batch id, its annex already rendered in each language."""
    path = workdir / f"{key}.csv"
    _registry(path, count, key)
    appeal = load_appeal(EXAMPLES / "appeal-derecognition.yaml")
    targets = appeal.targets.model_copy(update={"keys": [], "tags": [key]})
    appeal = appeal.model_copy(update={"key": key, "targets": targets})
    with s.db.unit_of_work() as uow:
        records = registry.read_file(path)
        registry.import_records(
            uow, records, source_name=path.name, update=False, actor=ACTOR, clock=s.clock
        )
        create_campaign(uow, appeal, actor=ACTOR, clock=s.clock)
    with s.db.unit_of_work() as uow:
        outcome = set_count(
            uow,
            key,
            15_240,
            as_of=None,
            source=ACTOR,
            identities=s.identities,
            actor=ACTOR,
            clock=s.clock,
            policy=s.missed_policy,
        )
        assert outcome.batch is not None
        batch = uow.get_one(Batch, outcome.batch.id)
        start = batch.signatures_as_of - timedelta(days=30)
        uow.execute(insert(Signer), signer_rows(batch.campaign_id, start))
        batch_id = batch.id
    assert s.finishing.annexes is not None
    for language in LANGUAGES:  # every letter language's: the render finds them all made
        batch_annex(
            s.db,
            batch_id,
            annexes=s.finishing.annexes,
            documents_dir=s.settings.documents_dir,
            actor=ACTOR,
            clock=s.clock,
            language=language,
        )
    return batch_id


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool, once shut down)."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def run(report: Report) -> None:
    s = services_in(report.workdir)
    try:
        batch = _batch(s, report.workdir, "batch-bench", LETTERS)
        single = _batch(s, report.workdir, "batch-baseline", BASELINE)
        report.note(f"{LETTERS} + {BASELINE} addressees and 2 × {NAMES} signers stored (untimed)")
        began = time.perf_counter()
        one = s.render(single, actor=ACTOR, finishing=replace(s.finishing, workers=1))
        baseline = one.rendered / (time.perf_counter() - began)
        cpu_before, began = _cpu(), time.perf_counter()
        made = s.render(batch, actor=ACTOR)
        seconds = time.perf_counter() - began
        cpu = (_cpu() - cpu_before) / made.rendered
    finally:
        s.close()
    stored = sum(f.stat().st_size for f in s.settings.documents_dir.rglob("*") if f.is_file())
    rate = made.rendered / seconds
    report.note(
        f"{made.rendered} letters (PDF + DOCX + email each) in {seconds:.1f} s on "
        f"{s.finishing.workers} workers; {stored / 1e9:.1f} GB written in all; load average "
        f"{os.getloadavg()[0]:.1f}. One process: {baseline:.2f} letters/s ({BASELINE} letters)"
    )
    cores = s.finishing.workers
    report.note(
        f"CPU per letter, this process and its workers (start-up included): {cpu * 1000:.0f} ms, "
        f"i.e. {cores / cpu:.1f} letters/s on {cores} otherwise idle cores"
    )
    line = f"BENCH render_batch_1000 {_number(rate)} letters/s ratio={rate / baseline:.2f}"
    print(line, file=report.out, flush=True)
