"""Settings: every knob the service has, from the environment (prefix ``ADVOCACY_``) or ``.env``.

Rule: nothing else reads ``os.environ``. Every field here is documented, with its default,
in ``.env.example``; a test keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from responses.deadlines import Deadlines

ROOT = Path(__file__).resolve().parent
# The shipped key: fine on a laptop, refused by `advocacy serve` for https or production.
DEFAULT_SECRET_KEY = "dev-only-secret-change-me"  # noqa: S105  (the known-bad value we refuse)


class Settings(BaseSettings):
    """The service's configuration; build it once in ``bootstrap`` and pass it down."""

    model_config = SettingsConfigDict(env_prefix="ADVOCACY_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///var/advocacy.db",
        description="SQLAlchemy URL; sqlite:///path or postgresql+psycopg://user@host/db",
    )
    data_dir: Path = Field(Path("var"), description="Rendered documents, outbox, raw replies")
    templates_dir: Path = Field(ROOT / "templates", description="Template sets, one folder each")
    smtp_url: SecretStr | None = Field(
        None,
        description="smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; unset → Maildir outbox",
    )
    smtp_timeout_seconds: float = Field(30.0, description="Overall limit for one SMTP send")
    dkim_key_file: Path | None = Field(
        None, description="PEM private key for DKIM signing of outgoing mail; unset → unsigned"
    )
    dkim_selector: str = Field("", description="DKIM selector (the DNS name <selector>._domainkey)")
    dkim_domain: str = Field("", description="DKIM signing domain (d=), usually the From domain")
    smtp_pool_size: int = Field(
        4, ge=1, le=64, description="SMTP connections kept open and reused across messages"
    )
    smtp_domain_concurrency: int = Field(
        2, ge=1, le=64, description="SMTP sends in flight at once to one recipient domain"
    )
    smtp_domain_per_minute: float = Field(
        0.0, ge=0, description="SMTP sends started per minute per recipient domain; 0 → no cap"
    )
    reply_domain: str = Field(
        "replies.advocacy.example",
        description="Domain of the per-letter Reply-To and bounce addresses",
    )
    secret_key: SecretStr = Field(
        SecretStr(DEFAULT_SECRET_KEY),
        description="Signs reply tokens; set a long random value in production",
    )
    actor: str = Field("cli", description="Name recorded in the audit log for CLI actions")
    missed_milestones: Literal["fire", "report"] = Field(
        "fire",
        description="A dated milestone found overdue (downtime): fire it late, or report it missed",
    )
    milestone_grace_seconds: int = Field(
        900, ge=0, description="How late a dated milestone may be checked and still be on time"
    )
    webhook_max_bytes: int = Field(
        1_048_576, ge=1024, description="Largest signature webhook body accepted (else 413)"
    )
    webhook_replay_seconds: int = Field(
        300, ge=10, description="How far a webhook's signed timestamp may be from now (else 401)"
    )
    scheduler_check_seconds: int = Field(
        60, ge=1, description="How often the scheduler checks dated milestones and due work"
    )
    scheduler_leader_poll_seconds: int = Field(
        10, ge=1, le=25, description="How often a waiting scheduler tries to become the leader"
    )
    worker_batch_size: int = Field(20, ge=1, le=1000, description="Outbox rows claimed at once")
    worker_concurrency: int = Field(
        8, ge=1, le=256, description="Deliveries one worker attempts at once"
    )
    lease_seconds: int = Field(300, ge=10, description="How long a claimed outbox row is held")
    max_claims: int = Field(
        3,
        ge=1,
        description="Claims of an outbox row without an outcome (its worker died or hung each "
        "time) before it is held for staff",
    )
    send_window: str = Field(
        "",
        description="Office hours HH:MM-HH:MM (weekdays, the addressee's time zone) when email "
        "may go out; empty → any time",
    )
    retry_horizon_hours: float = Field(
        120,
        gt=0,
        description="How long temporary failures are retried (backoff with jitter) before failing",
    )
    four_eyes: bool = Field(
        False, description="The person who created a batch may not approve its letters"
    )
    stale_after_signatures: int = Field(
        1000,
        ge=0,
        description="Flag a letter stale when the newest count exceeds its count by more than this",
    )
    signing_key_file: Path | None = Field(
        None, description="PKCS#12 file with the organisation's key; unset → letters unsigned"
    )
    signing_key_passphrase: SecretStr | None = Field(
        None, description="Passphrase of the signing key file (unset for none)"
    )
    render_workers: int = Field(
        0, ge=0, le=64, description="Processes rendering a big batch; 0 → one per CPU core"
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Where staff reach the web app; https:// makes session cookies Secure",
    )
    session_hours: int = Field(12, ge=1, le=24 * 30, description="How long a web login lasts")
    login_attempts: int = Field(
        5,
        ge=1,
        description="Failed logins per email and per client before each further attempt "
        "must wait (1 s, 2 s, 4 s … up to ADVOCACY_LOGIN_MAX_DELAY_SECONDS); never a lock",
    )
    login_window_seconds: int = Field(
        900, ge=10, description="How long a failed login is remembered"
    )
    answer_due_working_days: int = Field(
        20,
        ge=1,
        description="Working days (weekends and the addressee country's holidays excluded) "
        "after delivery when an answer is due; later it is overdue in the report, on the "
        "dashboard and in the follow-up job",
    )
    answer_due_rules: str = Field(
        "",
        description="Answer deadlines by kind of addressee, overriding the working days above: "
        "'CATEGORY[/COUNTRY]=N days' or '=N working days', separated by ';', e.g. "
        "'government/GB=21 days; eu-institution=15 working days' (responses/deadlines.py)",
    )
    imap_url: SecretStr | None = Field(
        None, description="imaps://user:pass@host[:993]/INBOX that advocacy responses fetch reads"
    )
    inbound_max_bytes: int = Field(
        26_214_400,
        ge=1024,
        description="Largest inbound message read (bytes); a larger one is kept raw, quarantined",
    )
    fetch_every_minutes: int = Field(
        10,
        ge=0,
        description="How often the scheduler fetches replies from ADVOCACY_IMAP_URL; 0 → never",
    )
    serve_jobs: bool = Field(
        True, description="advocacy serve also runs the delivery worker and the scheduler"
    )
    worker_poll_seconds: float = Field(
        5.0, gt=0, description="How often advocacy serve's worker looks for due deliveries"
    )
    upload_max_bytes: int = Field(
        10_485_760, ge=1024, description="Largest registry file accepted by the web import"
    )
    public_cache_seconds: int = Field(
        300, ge=0, description="How long browsers and proxies may cache a public campaign page"
    )
    # Running it for real (issue 19): safe defaults, proxies, a busy database, logins.
    env: Literal["development", "production"] = Field(
        "development",
        description="production: advocacy serve refuses the default ADVOCACY_SECRET_KEY",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated proxy addresses/networks whose X-Forwarded-For is "
        "believed (e.g. 127.0.0.1,10.0.0.0/8); empty → none, the socket's address counts",
    )
    db_busy_seconds: float = Field(
        15.0,
        gt=0,
        le=600,
        description="How long a SQLite writer waits for another's lock before giving up (503)",
    )
    login_max_delay_seconds: int = Field(
        60, ge=1, le=3600, description="The longest wait a run of failed logins can impose"
    )

    @field_validator(
        "smtp_url", "imap_url", "signing_key_file", "signing_key_passphrase", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    def unsafe_for_serving(self) -> str | None:
        """Why ``advocacy serve`` must not start with these settings, or None."""
        if self.secret_key.get_secret_value() != DEFAULT_SECRET_KEY:
            return None
        if self.env == "production" or self.base_url.startswith("https://"):
            why = "ADVOCACY_ENV=production" if self.env == "production" else "an https base URL"
            return (
                f"ADVOCACY_SECRET_KEY is the shipped default, refused with {why}: it protects "
                "signers' email hashes and reply tokens. Set a long random value, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return None

    @property
    def outbox_dir(self) -> Path:
        """The Maildir that receives letters when no SMTP server is configured."""
        return self.data_dir / "outbox"

    @property
    def answer_deadlines(self) -> Deadlines:
        """The answer deadlines: the working-days default and ``answer_due_rules``."""
        from responses.deadlines import parse_rules  # here: settings load before services

        return parse_rules(self.answer_due_rules, working_days=self.answer_due_working_days)

    @property
    def documents_dir(self) -> Path:
        """Where rendered PDFs and emails are kept, one folder per campaign and batch."""
        return self.data_dir / "documents"

    @property
    def print_dir(self) -> Path:
        """Where a batch's postal letters are merged for printing, with their manifest."""
        return self.data_dir / "print"
