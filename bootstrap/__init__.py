"""The composition root: the one place where settings become a database, renderers, a transport.

Rule: nothing else constructs these; the CLI, the scheduler's jobs and the tests ask ``build``.
``Services`` binds the settings' policies; the factories it calls are beside it by concern:
``bootstrap.channels`` (the channels, the email transport), ``bootstrap.rendering`` (the
renderers, the annex and signature), ``bootstrap.inbound`` (the importer of replies, bounces).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from bootstrap.channels import CHANNELS, channel_transports, make_transport
from bootstrap.inbound import make_intake
from bootstrap.rendering import make_finishing, make_renderers
from delivery.channels import Channels
from errors import AdvocacyError
from letters.identity import ReplyAddresses
from settings import Settings
from storage.db import Database, make_engine
from timeutil import Clock, SystemClock

# Each command pays only for what it uses: the service modules load inside the methods that
# need them (``advocacy outbox list`` never imports the milestone, reply or rendering code;
# ``bench/bench_cli_start.py`` measures it, ``tests/cli/test_startup.py`` keeps it so).
if TYPE_CHECKING:
    from campaigns.milestones import MissedPolicy
    from campaigns.signatures import Recorder
    from campaigns.signers import EmailKeys
    from delivery.windows import SendWindow
    from delivery.worker import Transport, Worker
    from letters.compose import ComposedLetter
    from letters.documents import Renderer
    from letters.produce import Finishing
    from letters.service import RenderSummary
    from responses.intake import Intake
    from review.approvals import Approvals
    from storage.tables import Campaign

__all__ = ["CHANNELS", "Services", "build"]  # CHANNELS: ``cli.outbox`` reads "bootstrap:CHANNELS"


@dataclass
class Services:
    """Everything a command needs, built from one ``Settings``."""

    settings: Settings
    db: Database
    clock: Clock
    identities: ReplyAddresses
    given_transport: Transport | None = None  # tests' and the bench's; else from the settings
    _transports: dict[str, Transport] | None = None

    @cached_property
    def transport(self) -> Transport:
        """The email transport (``make_transport``), built on first use: listing the outbox
        loads no SMTP client."""
        return self.given_transport or make_transport(self.settings)

    @cached_property
    def renderers(self) -> dict[str, Renderer]:
        """pdf, docx and email, built on first use (most commands never render)."""
        return make_renderers(self.settings)

    @cached_property
    def finishing(self) -> Finishing:
        """The annex and signature every rendered PDF gets (``make_finishing``)."""
        return make_finishing(self.settings)

    @property
    def actor(self) -> str:
        return self.settings.actor

    @property
    def email_keys(self) -> EmailKeys:
        """The keyed hash that stands in for signers' email addresses."""
        from campaigns.signers import EmailKeys

        return EmailKeys(self.settings.secret_key.get_secret_value().encode())

    @property
    def missed_policy(self) -> MissedPolicy:
        from campaigns.milestones import MissedPolicy

        grace = timedelta(seconds=self.settings.milestone_grace_seconds)
        return MissedPolicy(self.settings.missed_milestones, grace)

    @property
    def approvals(self) -> Approvals:
        """Approving letters with ADVOCACY_FOUR_EYES bound (``review.approvals``)."""
        from review.approvals import Approvals

        return Approvals(four_eyes=self.settings.four_eyes, clock=self.clock)

    def recorder(self, actor: str | None = None) -> Recorder:
        """Records signature counts and fires milestones as ``actor`` (default: settings)."""
        from campaigns.signatures import Recorder

        return Recorder(self.identities, actor or self.actor, self.clock, self.missed_policy)

    def migrate(self) -> None:
        from storage.migrate import upgrade

        upgrade(self.db.engine)

    def require_current_schema(self) -> None:
        """Refuse to run a long-lived service on a database ``advocacy init`` has not (or not
        yet for this version) set up: every page and job would fail one by one."""
        from storage.migrate import schema_problem

        problem = schema_problem(self.db.engine)
        if problem is not None:
            raise AdvocacyError(problem)

    @property
    def channels(self) -> Channels:
        return CHANNELS

    def worker(self) -> Worker:
        from delivery.retry import RetryPolicy
        from delivery.worker import Worker

        # One transport per automatic channel: email's is ``transport``, the others' from
        # their spec (built once per Services, so pooled connections are shared).
        if self._transports is None:
            self._transports = channel_transports(self.settings)
        return Worker(
            self.db,
            self.transport,
            self.identities,
            self.settings.documents_dir,
            self.clock,
            batch_size=self.settings.worker_batch_size,
            concurrency=self.settings.worker_concurrency,
            lease=timedelta(seconds=self.settings.lease_seconds),
            max_claims=self.settings.max_claims,
            policy=RetryPolicy(horizon=timedelta(hours=self.settings.retry_horizon_hours)),
            transports=self._transports,
            window=self.send_window,
        )

    @property
    def send_window(self) -> SendWindow | None:
        """``ADVOCACY_SEND_WINDOW`` (None: any time); a bad value is an error naming it."""
        from delivery.windows import SendWindow

        return SendWindow.parse(self.settings.send_window)

    def send_window_for(self, campaign: Campaign, given: str | None = None) -> SendWindow | None:
        """The window a campaign's email waits for: ``given`` (``deliver --send-window``),
        else the appeal's ``send_window``, else the setting's; ``any`` is no window."""
        from delivery.windows import SendWindow

        text = given if given is not None else str(campaign.definition.get("send_window", ""))
        if not text:
            return self.send_window
        return None if text == "any" else SendWindow.parse(text)

    def render(
        self,
        batch_id: int,
        *,
        actor: str | None = None,
        letter_ids: Collection[int] | None = None,
        progress: Callable[[ComposedLetter], None] | None = None,
        finishing: Finishing | None = None,
    ) -> RenderSummary:
        """Render the batch's pending letters (or ``letter_ids``) with everything wired: the
        renderers, the annex and the signature (``finishing``, default the settings'), queued
        for review."""
        from letters.service import render_batch

        return render_batch(
            self.db,
            batch_id,
            renderers=lambda: self.renderers,
            identities=self.identities,
            documents_dir=self.settings.documents_dir,
            actor=actor or self.actor,
            clock=self.clock,
            letter_ids=letter_ids,
            finishing=lambda: self.finishing if finishing is None else finishing,
            progress=progress,
        )

    def rerender(
        self, letter_id: int, *, actor: str | None = None, finishing: Finishing | None = None
    ) -> RenderSummary:
        """Render one letter again as a new revision, finished like the rest of its batch."""
        from letters.service import rerender_letter

        return rerender_letter(
            self.db,
            letter_id,
            renderers=lambda: self.renderers,
            identities=self.identities,
            documents_dir=self.settings.documents_dir,
            actor=actor or self.actor,
            clock=self.clock,
            finishing=lambda: self.finishing if finishing is None else finishing,
        )

    def import_reply(self, raw: bytes) -> str:
        """Import one raw inbound message in its own unit of work (bounces to the delivery
        engine first); the outcome word (``responses.inbound.OUTCOMES``)."""
        return self.intake()(raw).outcome

    def intake(self) -> Intake:
        """The inbound importer with everything wired: one message, one transaction, a failed
        import quarantined (``responses.intake``); it returns what became of the message."""
        return make_intake(
            self.settings, self.db, self.identities, actor=self.actor, clock=self.clock
        )

    def close(self) -> None:
        self.db.dispose()


def build(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    transport: Transport | None = None,
) -> Services:
    settings = settings or Settings()
    return Services(
        settings=settings,
        db=Database(make_engine(settings.database_url, busy_seconds=settings.db_busy_seconds)),
        clock=clock or SystemClock(),
        identities=ReplyAddresses(
            settings.reply_domain, settings.secret_key.get_secret_value().encode()
        ),
        given_transport=transport,
    )
