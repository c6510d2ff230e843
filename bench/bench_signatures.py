"""Signatures in: a 1,000,000-row signer CSV import, and signed webhook calls, on SQLite.

Rule: both contenders use the real services. The import is the real ``import_signers`` (stream,
check, key, bulk insert skipping stored signers, one transaction), timed once on the full file;
the naive baseline checks each row the same way but inserts it with one ORM ``add`` + flush and
looks each email key up first, timed on a 20,000-row slice and scaled to the full file. The
webhook figure is sequential ``accept_signatures`` calls (verify, parse, lock, store, count,
milestone check), one signature and one transaction each, as a single process would serve them.
Besides the ``signatures.*`` figures, the issue's own headlines are printed as they are named
there: ``BENCH signatures_import_1m <seconds> s`` and ``BENCH webhook <n> req/s``.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bench import Report
from bench.world import services_in
from bootstrap import Services
from campaigns.presets import mapping_for
from campaigns.signer_import import import_signers
from campaigns.signers import SignerRecord, check_signer
from campaigns.store import get_campaign
from campaigns.webhook import WebhookLimits, accept_signatures, new_webhook_secret, sign
from storage.tables import Signer
from tests.helpers import CAMPAIGN, load_examples

ROWS = 1_000_000
BASELINE_ROWS = 20_000
WEBHOOK_CALLS = 2_000
HEADER = "name,email,city,country,signed_at,public\n"
CITIES = ["Vilnius", "Warsaw", "Berlin", "Riga", "Kyiv", "Brussels", "London", "Praha"]
COUNTRIES = ["LT", "PL", "DE", "LV", "UA", "BE", "GB", "CZ"]


def _write_csv(path: Path, rows: int, offset: int = 0) -> None:
    """Rows shaped like a real export: a few thousand mail domains, mixed case, consent."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(offset, offset + rows):
            out.write(
                f"Signer {i},Signer.{i}@Mail{i % 4999}.example.org,{CITIES[i % 8]},"
                f"{COUNTRIES[i % 8]},2021-09-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z,"
                f"{'yes' if i % 3 else 'no'}\n"
            )


def _services(workdir: Path, name: str) -> Services:
    """Migrated services in ``workdir`` with the example campaign, on a database of its own."""
    services = services_in(workdir, database=f"{name}.db")
    load_examples(services)
    return services


def _naive(services: Services, path: Path) -> None:
    """One row at a time: look the key up, then ORM add and flush."""
    lines = path.read_text().splitlines()[1:]
    fields = HEADER.strip().split(",")
    with services.db.unit_of_work() as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        for line in lines:
            record, _ = check_signer(
                dict(zip(fields, line.split(","), strict=True)),
                keys=services.email_keys,
                now=services.clock.now(),
            )
            assert record is not None
            known = select(Signer.id).where(
                Signer.campaign_id == campaign.id, Signer.email_key == record.email_key
            )
            if uow.scalar(known) is None:
                uow.add(Signer(campaign_id=campaign.id, source="naive", **vars_of(record)))
                uow.flush()


def vars_of(record: SignerRecord) -> dict[str, object]:
    names = ("email_key", "name", "city", "country", "signed_at", "public")
    return {name: getattr(record, name) for name in names}


def _import(services: Services, path: Path) -> int:
    with services.db.unit_of_work() as uow:
        outcome = import_signers(
            uow,
            CAMPAIGN,
            path,
            mapping=mapping_for("generic", {}),
            overrides={},
            keys=services.email_keys,
            recorder=services.recorder("bench"),
        )
    return outcome.new


def _bench_import(report: Report) -> None:
    big, small = report.workdir / "signers-1m.csv", report.workdir / "signers-20k.csv"
    _write_csv(big, ROWS)
    _write_csv(small, BASELINE_ROWS)
    naive = _services(report.workdir, "naive")
    began = time.perf_counter()
    _naive(naive, small)
    baseline = (time.perf_counter() - began) * ROWS / BASELINE_ROWS
    naive.close()
    real = _services(report.workdir, "import")
    began = time.perf_counter()
    new = _import(real, big)
    seconds = time.perf_counter() - began
    real.close()
    if new != ROWS:
        raise RuntimeError(f"imported {new} new signers, expected {ROWS}")
    report.note(f"naive baseline measured on {BASELINE_ROWS:,} rows, scaled to {ROWS:,}")
    report.versus("import_1m", "s", value=seconds, baseline=baseline)
    report.headline("signatures_import_1m", seconds, "s", ratio=seconds / baseline)


def _bench_webhook(report: Report) -> None:
    services = _services(report.workdir, "webhook")
    with services.db.unit_of_work() as uow:
        secret = new_webhook_secret(uow, CAMPAIGN, actor="bench", clock=services.clock)
    limits = WebhookLimits(max_bytes=1 << 20, replay=timedelta(minutes=5))
    bodies = [
        json.dumps({"person": {"email_addresses": [{"address": f"w{i}@example.org"}]}}).encode()
        for i in range(WEBHOOK_CALLS)
    ]
    began = time.perf_counter()
    for body in bodies:
        stamp = str(int(services.clock.now().timestamp()))
        with services.db.unit_of_work() as uow:
            accept_signatures(
                uow,
                CAMPAIGN,
                body,
                sign(secret, stamp, body),
                stamp,
                keys=services.email_keys,
                recorder=services.recorder("bench"),
                limits=limits,
            )
    rate = WEBHOOK_CALLS / (time.perf_counter() - began)
    services.close()
    report.figure("webhook", rate, "req/s")
    report.headline("webhook", rate, "req/s")


def run(report: Report) -> None:
    _bench_webhook(report)
    _bench_import(report)
