"""Signatory annex: 150,000 public signers read from the database and typeset, once per batch.

Rule: the timed work is exactly what ``render_batch`` does for a batch's annex — ``batch_annex``:
query the public signers of the example campaign (SQLite), typeset them with ReportLab, write
``annex.pdf`` and record it. It runs in a fresh child process so its peak resident memory is
its own (``ru_maxrss`` of the child: interpreter, imports, rows and PDF together). Setup (the
example campaign, 150,000 synthetic signers in Latin and Cyrillic script) is not timed.
Prints ``BENCH annex_150k <seconds> s`` and ``BENCH annex_150k_peak <MB> MB`` (the issue's
names, without the runner's ``annex.`` prefix). Targets: ≤ 10 s and ≤ 400 MB.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench import Report, _number
from bench.world import ACTOR, example_batch, services_in
from letters.signatories import batch_annex
from storage.tables import Batch, BatchAnnex, Signer

NAMES = 150_000
_FIRST = [
    "Anna",
    "Jonas",
    "Łukasz",
    "Māra",
    "Ģirts",
    "Žygimantas",
    "Maria",
    "Tomáš",
    "Zoë",
    "Agnieszka",
    "Kęstutis",
    "Jānis",
    "Ingrīda",
    "Алена",
    "Сяргей",
    "Уладзімір",
    "Іна",
    "Ольга",
    "Святлана",
    "Андрэй",
    "Мікалай",
    "Дзмітрый",
    "Наталля",
    "Ірына",
    "Павел",
]
_LAST = [
    "Kowalska",
    "Petrauskas",
    "Bērziņš",
    "Ščerbaŭ",
    "Müller",
    "Novák",
    "García-López",
    "Wiśniewski",
    "Kazlauskienė",
    "Ozoliņa",
    "Лукашевіч",
    "Іваноў",
    "Смірнова",
    "Каваленка",
    "Шэўчык",
    "Навумчык",
    "Мацкевіч",
    "Ткачук",
    "Багдановіч",
]
_PLACES = [
    ("Vilnius", "LT"),
    ("Warszawa", "PL"),
    ("Rīga", "LV"),
    ("Мінск", "BY"),
    ("Гродна", "BY"),
    ("Berlin", "DE"),
    ("London", "GB"),
    ("Białystok", "PL"),
    ("Kaunas", "LT"),
    (None, "BY"),
    (None, None),
]


def synthetic_signers(count: int, *, seed: int = 2021) -> list[tuple[str, str | None, str | None]]:
    """``count`` (name, city, country) rows, the same for the same seed."""
    rng = random.Random(seed)
    return [
        (f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", *rng.choice(_PLACES)) for _ in range(count)
    ]


def signer_rows(campaign_id: int, start: datetime) -> list[dict[str, object]]:
    """``NAMES`` consenting synthetic signers of the campaign, one a second from ``start``, as
    rows for one bulk insert."""
    return [
        {
            "campaign_id": campaign_id,
            "email_key": f"{i:064x}",
            "name": name,
            "city": city,
            "country": country,
            "signed_at": start + timedelta(seconds=i),
            "public": True,
            "source": ACTOR,
        }
        for i, (name, city, country) in enumerate(synthetic_signers(NAMES))
    ]


def _insert_signers(workdir: Path) -> int:
    services = services_in(workdir)
    try:
        batch_id = example_batch(services)
        with services.db.unit_of_work() as uow:
            batch = uow.get_one(Batch, batch_id)
            start = batch.signatures_as_of - timedelta(days=30)
            uow.execute(insert(Signer), signer_rows(batch.campaign_id, start))
        return batch_id
    finally:
        services.close()


def child(workdir: str, batch_id: str) -> None:
    """In the child process: time ``batch_annex`` and print seconds, peak RSS and pages."""
    services = services_in(Path(workdir))
    began = time.perf_counter()
    annex = batch_annex(
        services.db,
        int(batch_id),
        annexes=services.finishing.annexes,  # type: ignore[arg-type]
        documents_dir=services.settings.documents_dir,
        actor=ACTOR,
        clock=services.clock,
    )
    seconds = time.perf_counter() - began
    with services.db.unit_of_work(write=False) as uow:
        stored = uow.scalars(select(BatchAnnex)).one()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    services.close()
    assert annex is not None
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak,
                "pages": stored.pages,
                "names": stored.names,
                "bytes": stored.size,
            }
        )
    )


def run(report: Report) -> None:
    began = datetime.now(UTC)
    batch_id = _insert_signers(report.workdir)
    report.note(f"{NAMES} signers inserted in {(datetime.now(UTC) - began).seconds} s (untimed)")
    code = f"from bench.bench_annex import child; child({str(report.workdir)!r}, '{batch_id}')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report.note(
        f"{result['names']} names, {result['pages']} pages, {result['bytes'] / 1e6:.1f} MB PDF; "
        f"largest child of this run so far: {children:.0f} MB"
    )
    print(f"BENCH annex_150k {_number(result['seconds'])} s", file=report.out, flush=True)
    print(f"BENCH annex_150k_peak {_number(result['peak_mb'])} MB", file=report.out, flush=True)
