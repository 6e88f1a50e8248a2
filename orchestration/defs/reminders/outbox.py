"""Render due reminders as RFC 5322 messages in the outbox and record them in the raw layer.

Nothing here sends mail: the outbox is the hand-off to whatever mail or SMS gateway the
company uses. A reminder is written at most once, whether the asset or the sensor runs.
"""

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import jinja2
import pyarrow as pa
import pyarrow.parquet as pq

from dashboards.formatting import format_amount_es_co, format_date_es
from ingest.config import Paths
from ingest.schemas import REMINDER_LOG

logger = logging.getLogger(__name__)

BOGOTA = ZoneInfo("America/Bogota")
TEMPLATES_DIR = Path(__file__).parent / "templates"

# Email-to-SMS gateways take the phone number as the local part of the address.
SMS_GATEWAY_DOMAIN = "sms.example"

# Ley 2300 de 2023: collection contact Monday to Friday from 07:00, Saturday from 08:00.
WEEKDAY_CONTACT_START = time(7)
SATURDAY_CONTACT_START = time(8)


@dataclass(frozen=True)
class Reminder:
    """One row of fct_reminder_schedule that is due on the evaluation date."""

    reminder_id: str
    company_id: str
    document_id: str
    customer_id: str
    customer_name: str | None
    # An email address or a phone number, as the channel needs.
    contact_address: str | None
    cadence_step: str
    contact_channel: str
    reminder_date: date
    due_date: date
    open_amount: Decimal
    currency: str
    payment_reference: str | None


@dataclass(frozen=True)
class Sender:
    """Who a company's reminders come from."""

    display_name: str
    address: str

    @classmethod
    def for_company(cls, company: dict) -> "Sender":
        address = company.get("reminder_sender") or f"cartera@{company['company_id']}.example"
        return cls(display_name=f"Cartera {company['legal_name']}", address=address)

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


@dataclass
class OutboxResult:
    written_ids: list[str] = field(default_factory=list)
    already_sent_ids: list[str] = field(default_factory=list)
    unreachable_ids: list[str] = field(default_factory=list)
    log_file: Path | None = None


# The amount is what was known to be open before the send hour of the reminder's day; the
# payment reference comes from the document itself.
DUE_REMINDERS_SQL = """
select
    schedule.reminder_id,
    schedule.company_id,
    schedule.document_id,
    schedule.customer_id,
    schedule.customer_name,
    schedule.contact_address,
    schedule.cadence_step,
    schedule.contact_channel,
    schedule.reminder_date,
    schedule.due_date,
    schedule.open_amount_known,
    schedule.currency,
    documents.payment_reference,
from fct_reminder_schedule as schedule
left join int_documents as documents
    on schedule.company_id = documents.company_id
    and schedule.document_id = documents.document_id
where schedule.is_due and schedule.reminder_date = $evaluation_date
order by schedule.company_id, schedule.reminder_id
"""

# Models the reminders read, for the asset's upstream dependencies.
SCHEDULE_MODELS = ["fct_reminder_schedule", "int_documents", "dim_dates"]


def due_reminders(connection: duckdb.DuckDBPyConnection, evaluation_date: date) -> list[Reminder]:
    rows = connection.execute(DUE_REMINDERS_SQL, {"evaluation_date": evaluation_date}).fetchall()
    return [Reminder(*row) for row in rows]


def default_evaluation_date(connection: duckdb.DuckDBPyConnection) -> date | None:
    """The latest day with a due reminder, on or before the as-of date of the data.

    Demo and test data stop at a fixed day; evaluating "today" would find nothing to send.
    """
    row = connection.execute(
        """
        select max(reminder_date)
        from fct_reminder_schedule
        where is_due
            and reminder_date <= (
                select max(calendar_date) from dim_dates where is_as_of_date
            )
        """
    ).fetchone()
    return row[0] if row else None


def sent_reminder_ids(log_dir: Path) -> set[str]:
    ids: set[str] = set()
    for log_file in sorted(log_dir.glob("*.parquet")):
        ids.update(pq.read_table(log_file, columns=["reminder_id"]).column(0).to_pylist())
    return ids


def pending_reminders(reminders: Iterable[Reminder], paths: Paths) -> list[Reminder]:
    """The reminders neither logged nor already in the outbox."""
    logged_ids = sent_reminder_ids(paths.kind_dir("reminder_log"))
    return [
        reminder
        for reminder in reminders
        if reminder.reminder_id not in logged_ids
        and not (paths.outbox / f"{reminder.reminder_id}.eml").exists()
    ]


def template_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def template_name(reminder: Reminder) -> str:
    """The tone follows the dates, not the step's name, so a renamed cadence step still fits."""
    if reminder.contact_channel == "sms":
        return "sms.eml.j2"
    if reminder.reminder_date < reminder.due_date:
        return "before_due.eml.j2"
    if reminder.reminder_date == reminder.due_date:
        return "on_due.eml.j2"
    return "overdue.eml.j2"


def recipient(reminder: Reminder) -> str | None:
    address = reminder.contact_address or ""
    if reminder.contact_channel == "sms":
        digits = "".join(character for character in address if character.isdigit())
        return f"{digits}@{SMS_GATEWAY_DOMAIN}" if digits else None
    return address if "@" in address else None


def contact_start(reminder_date: date) -> datetime:
    """The first hour the law lets a reminder reach the customer on its day, in Bogota.

    It dates the message, so the Date header says when the reminder is meant to arrive
    rather than when a run happened to render it.
    """
    start = SATURDAY_CONTACT_START if reminder_date.weekday() == 5 else WEEKDAY_CONTACT_START
    return datetime.combine(reminder_date, start, tzinfo=BOGOTA)


def render_reminder(
    reminder: Reminder, sender: Sender, environment: jinja2.Environment
) -> EmailMessage:
    to_address = recipient(reminder)
    if to_address is None:
        raise ValueError(
            f"reminder {reminder.reminder_id}: customer {reminder.customer_id} has no "
            f"{reminder.contact_channel} contact (expected an email address or phone number)"
        )

    template = environment.get_template(template_name(reminder))
    context = template.new_context(
        {
            "reminder": reminder,
            "company_name": sender.display_name,
            "amount": format_amount_es_co(reminder.open_amount, reminder.currency),
            "due_date": format_date_es(reminder.due_date),
            "days_overdue": (reminder.reminder_date - reminder.due_date).days,
        }
    )
    subject = "".join(template.blocks["subject"](context)).strip()
    body = "".join(template.blocks["body"](context)).strip() + "\n"

    message = EmailMessage()
    message["From"] = Address(display_name=sender.display_name, addr_spec=sender.address)
    message["To"] = Address(display_name=reminder.customer_name or "", addr_spec=to_address)
    message["Subject"] = subject
    message["Date"] = format_datetime(contact_start(reminder.reminder_date))
    # Stable per reminder, so a gateway that sees the same message twice can drop one.
    message["Message-ID"] = f"<{reminder.reminder_id}@{sender.domain}>"
    message["X-Recaudo-Reminder-Id"] = reminder.reminder_id
    message["X-Recaudo-Document-Id"] = reminder.document_id
    message["X-Recaudo-Channel"] = reminder.contact_channel
    message.set_content(body)
    return message


def write_outbox(
    reminders: Sequence[Reminder],
    paths: Paths,
    companies: Iterable[dict],
    now: datetime | None = None,
) -> OutboxResult:
    """Writes each reminder not yet sent to `outbox/<reminder_id>.eml`, then logs them.

    A reminder whose .eml already exists but is missing from the log (a run that stopped
    between the two writes) is logged without being written again.
    """
    written_at = now or datetime.now(UTC)
    senders = {company["company_id"]: Sender.for_company(company) for company in companies}
    environment = template_environment()
    logged_ids = sent_reminder_ids(paths.kind_dir("reminder_log"))
    paths.outbox.mkdir(parents=True, exist_ok=True)

    result = OutboxResult()
    to_log: list[Reminder] = []
    for reminder in reminders:
        eml_path = paths.outbox / f"{reminder.reminder_id}.eml"
        if reminder.reminder_id in logged_ids:
            result.already_sent_ids.append(reminder.reminder_id)
            continue
        if eml_path.exists():
            result.already_sent_ids.append(reminder.reminder_id)
            to_log.append(reminder)
            continue
        if recipient(reminder) is None:
            result.unreachable_ids.append(reminder.reminder_id)
            continue

        message = render_reminder(reminder, senders[reminder.company_id], environment)
        eml_path.write_bytes(message.as_bytes(policy=policy.SMTP))
        result.written_ids.append(reminder.reminder_id)
        to_log.append(reminder)

    result.log_file = append_reminder_log(to_log, paths, written_at)
    logger.info(
        "wrote %d reminders to %s, %d already sent, %d without a contact",
        len(result.written_ids),
        paths.outbox,
        len(result.already_sent_ids),
        len(result.unreachable_ids),
    )
    return result


def append_reminder_log(
    reminders: Sequence[Reminder], paths: Paths, written_at: datetime
) -> Path | None:
    if not reminders:
        return None

    rows = [
        {
            "company_id": reminder.company_id,
            "reminder_id": reminder.reminder_id,
            "document_id": reminder.document_id,
            "customer_id": reminder.customer_id,
            "cadence_step": reminder.cadence_step,
            "contact_channel": reminder.contact_channel,
            "reminder_date": reminder.reminder_date,
            "outbox_path": str(Path("outbox") / f"{reminder.reminder_id}.eml"),
            "written_at": written_at,
        }
        for reminder in reminders
    ]
    # Named by content, so writing the same batch twice replaces one file instead of adding one.
    batch_key = "\n".join(sorted(reminder.reminder_id for reminder in reminders))
    log_dir = paths.kind_dir("reminder_log")
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"{hashlib.sha256(batch_key.encode()).hexdigest()[:16]}.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=REMINDER_LOG), log_file)
    return log_file
