"""campaigns.signer_store and the signer fast path: same keys, same stored values, every path."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from bootstrap import Services
from campaigns.signer_store import bulk_signers, insert_new_signers
from campaigns.signers import FIELDS, EmailKeys, SignerRecord, check_signer, signer_record
from campaigns.store import lock_campaign
from storage.tables import Signer
from tests.campaigns.steps import start_campaign
from tests.helpers import CAMPAIGN

SIGNED = datetime(2021, 9, 1, 8, 30, tzinfo=UTC)


@pytest.fixture
def campaign(services: Services) -> Services:
    """Services with the demo registry and the example campaign."""
    start_campaign(services)
    return services


def record(key: str, name: str = "N", public: bool = True) -> SignerRecord:
    return SignerRecord(key, name, "Riga", "LV", SIGNED, public)


def stored(s: Services) -> list[tuple[str, str | None, datetime, bool]]:
    with s.db.unit_of_work(write=False) as uow:
        query = select(Signer).order_by(Signer.id)
        return [(x.email_key, x.name, x.signed_at, x.public) for x in uow.scalars(query)]


@pytest.mark.parametrize("length", [1, 12, 64, 65, 200])
def test_email_key_is_hmac_sha256(length: int) -> None:
    """The primed-state key equals the standard library's HMAC-SHA256, short or long secret."""
    secret = bytes(i % 256 for i in range(7, 7 + length))
    keys = EmailKeys(secret)
    for email in ("a@example.org", "", "signer.123@mail42.example.org"):
        assert keys.key(email) == hmac.digest(secret, email.encode(), "sha256").hex()


def test_fast_path_agrees_with_the_full_check() -> None:
    """A good row gives the same record through ``signer_record`` and ``check_signer``."""
    keys, now = EmailKeys(b"s"), datetime(2024, 1, 1, tzinfo=UTC)
    for values in (
        ["Anna  Schmidt", " Anna@Example.ORG ", "Berlin", "Deutschland", "2021-09-01", "ja"],
        ["", "b@example.org", "", "", "", ""],
    ):
        fields = dict(zip(FIELDS, values, strict=True))
        assert check_signer(fields, keys=keys, now=now) == (
            signer_record(values, keys=keys, now=now),
            [],
        )


def test_fast_path_refuses_a_bad_row_that_the_full_check_explains() -> None:
    """A bad value raises in the fast path; the full check names each bad field."""
    keys, now = EmailKeys(b"s"), datetime(2024, 1, 1, tzinfo=UTC)
    values = ["A", "not-an-email", "", "Narnia", "", "maybe"]
    with pytest.raises(ValueError, match="email"):
        signer_record(values, keys=keys, now=now)
    fields = dict(zip(FIELDS, values, strict=True))
    found = check_signer(fields, keys=keys, now=now)[1]
    assert [field for field, _ in found] == ["email", "country", "public"]


def test_bulk_and_single_inserts_store_the_same_values(campaign: Services) -> None:
    """The bulk path (plain tuples on SQLite) and the webhook's store identical column values."""
    with campaign.db.unit_of_work() as uow:
        campaign_id = lock_campaign(uow, CAMPAIGN).id
        with bulk_signers(uow, campaign_id, source="csv") as add:
            add([record("k1")])
        assert insert_new_signers(uow, campaign_id, [record("k2")], source="csv") == 1
    with campaign.db.unit_of_work(write=False) as uow:
        raw = uow.execute(text("SELECT signed_at, public FROM signers ORDER BY id")).all()
    assert raw[0] == raw[1]
    assert [row[2:] for row in stored(campaign)] == [(SIGNED, True), (SIGNED, True)]


def test_bulk_skips_known_signers_and_keeps_the_first_of_a_file(campaign: Services) -> None:
    """Stored keys and repeats in later or the same chunks add nothing; the first one wins."""
    with campaign.db.unit_of_work() as uow:
        campaign_id = lock_campaign(uow, CAMPAIGN).id
        insert_new_signers(uow, campaign_id, [record("old", "Stored")], source="webhook")
        with bulk_signers(uow, campaign_id, source="csv") as add:
            add([record("z", "First"), record("old", "Again"), record("z", "Second")])
            add([record("a", "Third"), record("z", "Fourth")])
    assert [(key, name) for key, name, _, _ in stored(campaign)] == [
        ("old", "Stored"),
        ("z", "First"),
        ("a", "Third"),
    ]


def test_bulk_gives_the_page_cache_back(campaign: Services) -> None:
    """The larger SQLite page cache of an import ends with it, also when the import fails."""
    if not campaign.db.is_sqlite:
        pytest.skip("a SQLite page cache")
    with campaign.db.unit_of_work() as uow:
        campaign_id = lock_campaign(uow, CAMPAIGN).id
        connection = uow.connection()
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
        with bulk_signers(uow, campaign_id, source="csv") as add:
            add([record("k")])
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() != before
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == before
        with pytest.raises(RuntimeError), bulk_signers(uow, campaign_id, source="csv"):
            raise RuntimeError("a bad row")
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == before
