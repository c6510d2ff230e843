"""advocacy responses fetch against a real Dovecot IMAP server started for the test."""

from __future__ import annotations

import imaplib
import socket
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import jobs
from bootstrap import Services
from errors import AdvocacyError
from responses.imap import Mailbox, fetch_unseen, parse_url
from responses.pen import pen
from storage.tables import Letter, Response
from tests.helpers import load_examples, reach_milestone
from tests.integration.dovecot import DOVECOT, running_dovecot
from tests.responses.corpus import nested
from tests.responses.replies import letters_by_key
from tests.responses.samples import mailbag

pytestmark = pytest.mark.skipif(
    not DOVECOT.exists(),
    reason="IMAP tests need Dovecot: apt-get install -y dovecot-imapd (see scripts/system-deps.sh)",
)


@pytest.fixture(scope="module")
def mailbox_url() -> Iterator[str]:
    with running_dovecot() as url:
        yield url


@pytest.fixture
def box(mailbox_url: str) -> Mailbox:
    """The server's INBOX, emptied before each test."""
    mailbox = parse_url(mailbox_url)
    client = _client(mailbox)
    try:
        _, [count] = client.select("INBOX")
        if count and int(count) > 0:
            client.store("1:*", "+FLAGS", "(\\Deleted)")
            client.expunge()
    finally:
        client.logout()
    return mailbox


@pytest.fixture
def letters(services: Services) -> dict[str, Letter]:
    load_examples(services)
    reach_milestone(services)
    return letters_by_key(services)


def _client(box: Mailbox) -> imaplib.IMAP4:
    client = imaplib.IMAP4(box.host, box.port, timeout=10)
    client.login(box.user, box.password)
    return client


def deliver_to(box: Mailbox, messages: list[bytes]) -> None:
    client = _client(box)
    for raw in messages:
        client.append("INBOX", None, None, raw)
    client.logout()


def test_fetched_messages_land_where_they_belong(
    services: Services, letters: dict[str, Letter], box: Mailbox
) -> None:
    """Every message of the mailbag, read over IMAP, is stored, bounced or penned as it should."""
    cases = mailbag(services.identities, letters)
    deliver_to(box, [case.raw for case in cases])
    counts = fetch_unseen(box, services.import_reply)
    expected: dict[str, int] = {}
    for case in cases:
        expected[case.outcome] = expected.get(case.outcome, 0) + 1
    assert counts == expected
    with services.db.unit_of_work(write=False) as uow:
        assert [m.sender for m in pen(uow)] == ["Someone <someone@unknown.example>"]


def test_fetched_messages_are_marked_seen(
    services: Services, letters: dict[str, Letter], box: Mailbox
) -> None:
    """A second fetch reads nothing: every imported message was marked seen."""
    deliver_to(box, [case.raw for case in mailbag(services.identities, letters)[:3]])
    assert sum(fetch_unseen(box, services.import_reply).values()) == 3
    assert fetch_unseen(box, services.import_reply) == {}


def test_message_left_unseen_by_a_crash_is_not_stored_twice(
    services: Services, letters: dict[str, Letter], box: Mailbox
) -> None:
    """A message imported but not marked seen (a crash) is read again and is a duplicate."""
    [first] = mailbag(services.identities, letters)[:1]
    services.import_reply(first.raw)
    deliver_to(box, [first.raw])
    assert fetch_unseen(box, services.import_reply) == {"duplicate": 1}


def test_plain_imap_to_another_host_is_refused() -> None:
    """imap:// without TLS is only accepted for this machine."""
    with pytest.raises(Exception, match="only allowed to this machine"):
        parse_url("imap://u:p@mail.example.org/INBOX")


def test_scheduler_job_fetches_from_the_configured_mailbox(
    services: Services,
    letters: dict[str, Letter],
    box: Mailbox,
    mailbox_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """jobs.fetch_replies (the scheduler's job) reads ADVOCACY_IMAP_URL; a second run, nothing."""
    deliver_to(box, [case.raw for case in mailbag(services.identities, letters)[:3]])
    for name, value in {
        "ADVOCACY_DATABASE_URL": services.settings.database_url,
        "ADVOCACY_DATA_DIR": str(services.settings.data_dir),
        "ADVOCACY_SECRET_KEY": services.settings.secret_key.get_secret_value(),
        "ADVOCACY_REPLY_DOMAIN": services.settings.reply_domain,
        "ADVOCACY_SMTP_URL": "",
        "ADVOCACY_IMAP_URL": mailbox_url,
    }.items():
        monkeypatch.setenv(name, value)
    assert (jobs.fetch_replies(), jobs.fetch_replies()) == (3, 0)
    with services.db.unit_of_work(write=False) as uow:
        assert len(uow.scalars(select(Response)).all()) >= 1


def test_poison_message_in_the_middle_is_quarantined_and_the_rest_imported(
    services: Services, letters: dict[str, Letter], box: Mailbox
) -> None:
    """Between good replies, a message nested 1,000 deep and one whose import fails are
    quarantined and marked seen; everything else is imported, and a second fetch reads nothing."""
    to = services.identities.reply_to(letters["mfa-poland"].reply_token)
    good = [case.raw for case in mailbag(services.identities, letters)[:2]]
    bounce = mailbag(services.identities, letters)[-2].raw  # the DSN: its handler will fail
    deliver_to(box, [good[0], nested(1000, to), bounce, good[1]])

    def failing_handler(uow: Session, raw: bytes) -> bool:
        raise RuntimeError("handler bug")

    intake = replace(services.intake(), bounces=failing_handler)
    counts = fetch_unseen(box, lambda raw: intake(raw).outcome)
    assert counts == {"stored": 2, "quarantined": 2}
    assert fetch_unseen(box, services.import_reply) == {}
    with services.db.unit_of_work(write=False) as uow:
        reasons = sorted(m.reason.split(" (")[0] for m in pen(uow, status="quarantined"))
    assert reasons == ["import failed", "more than 500 multipart sections"]


def test_unreachable_server_is_one_line_error() -> None:
    """A server that does not answer is reported in one line naming host and port."""
    box = parse_url(f"imap://u:p@127.0.0.1:{_closed_port()}/INBOX")
    with pytest.raises(AdvocacyError, match=r"^IMAP 127\.0\.0\.1:\d+: cannot connect"):
        fetch_unseen(box, services_never_called)


def test_wrong_password_is_one_line_error(mailbox_url: str) -> None:
    """A refused login is an AdvocacyError, not a traceback."""
    box = replace(parse_url(mailbox_url), password="wrong")
    with pytest.raises(AdvocacyError, match=r"^IMAP 127\.0\.0\.1:\d+: .*after 0 message"):
        fetch_unseen(box, services_never_called)


def services_never_called(raw: bytes) -> str:
    raise AssertionError("no message should be read")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
