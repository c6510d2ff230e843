"""The database schema: one mapped class per table, nothing else, split by area into modules.

Rule: every datetime column holds UTC (``UtcDateTime`` re-attaches the zone SQLite drops), and
every state that must survive a crash (milestone firing, approval hash, outbox lease) is a column
here with a constraint that makes the safe outcome the only possible one.

Why one package that imports every module: ``Base.metadata`` (which Alembic compares with the
migrations) holds a table only once its module has run, so importing ``storage.tables`` loads
them all; callers import every name from here, never from the area modules.
"""

from __future__ import annotations

from storage.tables.accounts import ApiToken, User, WebSession
from storage.tables.base import NAMING, Base, UtcDateTime
from storage.tables.campaigns import Campaign, MilestoneFiring, SignatureCount, Signer
from storage.tables.delivery import ChannelCheck, Delivery
from storage.tables.letters import Approval, Batch, BatchAnnex, Document, Letter, ReviewText
from storage.tables.operations import AuditEntry, SchedulerJob
from storage.tables.registry import Addressee, AddresseeGroup
from storage.tables.responses import (
    AddresseeStatus,
    AnswerStanding,
    FollowUp,
    InboundMessage,
    Response,
)

__all__ = [
    "NAMING",
    "Addressee",
    "AddresseeGroup",
    "AddresseeStatus",
    "AnswerStanding",
    "ApiToken",
    "Approval",
    "AuditEntry",
    "Base",
    "Batch",
    "BatchAnnex",
    "Campaign",
    "ChannelCheck",
    "Delivery",
    "Document",
    "FollowUp",
    "InboundMessage",
    "Letter",
    "MilestoneFiring",
    "Response",
    "ReviewText",
    "SchedulerJob",
    "SignatureCount",
    "Signer",
    "User",
    "UtcDateTime",
    "WebSession",
]
