from datetime import UTC, date, datetime
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import duckdb
import pyarrow.parquet as pq

from ingest.config import Paths
from orchestration.defs.reminders.outbox import (
    Reminder,
    default_evaluation_date,
    due_reminders,
    write_outbox,
)

COMPANIES = [{"company_id": "andina", "legal_name": "Distribuidora Andina S.A.S."}]
BOGOTA = ZoneInfo("America/Bogota")
# Late in the evening in Bogota, already the next day in UTC: far from 07:00 either way.
WRITTEN_AT = datetime(2025, 3, 21, 2, 30, tzinfo=UTC)


def make_reminder(**overrides) -> Reminder:
    values = {
        "reminder_id": "andina-FE1001-overdue_7",
        "company_id": "andina",
        "document_id": "FE1001",
        "customer_id": "C042",
        "customer_name": "Ferretería El Tornillo S.A.S.",
        "contact_address": "pagos@eltornillo.example",
        "cadence_step": "overdue_7",
        "contact_channel": "email",
        "reminder_date": date(2025, 3, 20),
        "due_date": date(2025, 3, 13),
        "open_amount": Decimal("1234567.00"),
        "currency": "COP",
        "payment_reference": "7709998000017-0001001",
    }
    return Reminder(**{**values, **overrides})


def read_eml(path):
    with open(path, "rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def test_a_due_reminder_is_written_as_an_eml_with_recipient_amount_and_reference(tmp_path):
    paths = Paths(tmp_path)

    result = write_outbox([make_reminder()], paths, COMPANIES, now=WRITTEN_AT)

    assert result.written_ids == ["andina-FE1001-overdue_7"]
    message = read_eml(paths.outbox / "andina-FE1001-overdue_7.eml")
    assert message["To"].addresses[0].addr_spec == "pagos@eltornillo.example"
    assert message["From"].addresses[0].addr_spec == "cartera@andina.example"
    assert "FE1001" in message["Subject"]
    body = message.get_content()
    assert "$1.234.567" in body
    assert "7709998000017-0001001" in body
    assert "13 de marzo de 2025" in body
    assert "7 días de vencimiento" in body


def test_a_weekday_reminder_is_dated_at_seven_in_bogota_on_its_day_not_when_it_was_written(
    tmp_path,
):
    paths = Paths(tmp_path)

    write_outbox([make_reminder()], paths, COMPANIES, now=WRITTEN_AT)

    message = read_eml(paths.outbox / "andina-FE1001-overdue_7.eml")
    assert message["Date"].datetime == datetime(2025, 3, 20, 7, 0, tzinfo=BOGOTA)
    assert message["Date"].endswith("07:00:00 -0500")


def test_a_saturday_reminder_is_dated_at_eight_when_the_law_lets_contact_start(tmp_path):
    paths = Paths(tmp_path)
    reminder = make_reminder(reminder_date=date(2025, 3, 22))

    write_outbox([reminder], paths, COMPANIES, now=WRITTEN_AT)

    message = read_eml(paths.outbox / "andina-FE1001-overdue_7.eml")
    assert message["Date"].datetime == datetime(2025, 3, 22, 8, 0, tzinfo=BOGOTA)


def test_each_written_reminder_is_logged_in_the_raw_reminder_log_with_its_outbox_path(tmp_path):
    paths = Paths(tmp_path)

    result = write_outbox([make_reminder()], paths, COMPANIES, now=WRITTEN_AT)

    rows = pq.read_table(result.log_file).to_pylist()
    assert rows == [
        {
            "company_id": "andina",
            "reminder_id": "andina-FE1001-overdue_7",
            "document_id": "FE1001",
            "customer_id": "C042",
            "cadence_step": "overdue_7",
            "contact_channel": "email",
            "reminder_date": date(2025, 3, 20),
            "outbox_path": "outbox/andina-FE1001-overdue_7.eml",
            "written_at": WRITTEN_AT,
        }
    ]


def test_running_the_outbox_twice_writes_nothing_the_second_time(tmp_path):
    paths = Paths(tmp_path)
    write_outbox([make_reminder()], paths, COMPANIES, now=WRITTEN_AT)
    eml_bytes = (paths.outbox / "andina-FE1001-overdue_7.eml").read_bytes()
    log_files = sorted(paths.kind_dir("reminder_log").iterdir())

    second = write_outbox([make_reminder()], paths, COMPANIES, now=datetime.now(UTC))

    assert second.written_ids == []
    assert second.already_sent_ids == ["andina-FE1001-overdue_7"]
    assert second.log_file is None
    assert (paths.outbox / "andina-FE1001-overdue_7.eml").read_bytes() == eml_bytes
    assert sorted(paths.kind_dir("reminder_log").iterdir()) == log_files


def test_an_eml_left_by_an_interrupted_run_is_logged_but_not_written_again(tmp_path):
    paths = Paths(tmp_path)
    paths.outbox.mkdir(parents=True)
    (paths.outbox / "andina-FE1001-overdue_7.eml").write_bytes(b"written before the stop")

    result = write_outbox([make_reminder()], paths, COMPANIES, now=WRITTEN_AT)

    assert result.written_ids == []
    assert (paths.outbox / "andina-FE1001-overdue_7.eml").read_bytes() == b"written before the stop"
    assert pq.read_table(result.log_file).column("reminder_id").to_pylist() == [
        "andina-FE1001-overdue_7"
    ]


def test_an_sms_step_is_addressed_to_the_phone_digits_at_the_sms_gateway(tmp_path):
    paths = Paths(tmp_path)
    reminder = make_reminder(
        reminder_id="andina-FE1001-overdue_15",
        cadence_step="overdue_15",
        contact_channel="sms",
        contact_address="+57 300 555 0142",
    )

    write_outbox([reminder], paths, COMPANIES, now=WRITTEN_AT)

    message = read_eml(paths.outbox / "andina-FE1001-overdue_15.eml")
    assert message["To"].addresses[0].addr_spec == "573005550142@sms.example"
    assert message["X-Recaudo-Channel"] == "sms"
    assert "$1.234.567" in message.get_content()


def sms_text(tmp_path, reminder_date: date) -> str:
    paths = Paths(tmp_path)
    reminder = make_reminder(
        reminder_id="andina-FE1001-sms",
        contact_channel="sms",
        contact_address="+57 300 555 0142",
        reminder_date=reminder_date,
    )
    write_outbox([reminder], paths, COMPANIES, now=WRITTEN_AT)
    return read_eml(paths.outbox / "andina-FE1001-sms.eml").get_content()


def test_an_sms_for_an_overdue_invoice_says_it_is_overdue_since_its_due_date(tmp_path):
    text = sms_text(tmp_path, reminder_date=date(2025, 3, 20))

    assert "vencida desde el 13 de marzo de 2025" in text
    assert "con vencimiento" not in text


def test_an_sms_before_the_due_date_announces_the_due_date(tmp_path):
    text = sms_text(tmp_path, reminder_date=date(2025, 3, 10))

    assert "con vencimiento el 13 de marzo de 2025" in text
    assert "vencida" not in text


def test_an_sms_on_the_due_date_says_the_invoice_is_due_today(tmp_path):
    text = sms_text(tmp_path, reminder_date=date(2025, 3, 13))

    assert "vence hoy, 13 de marzo de 2025" in text


def test_a_customer_without_an_email_address_is_reported_and_nothing_is_written(tmp_path):
    paths = Paths(tmp_path)

    result = write_outbox([make_reminder(contact_address=None)], paths, COMPANIES, now=WRITTEN_AT)

    assert result.unreachable_ids == ["andina-FE1001-overdue_7"]
    assert list(paths.outbox.iterdir()) == []
    assert result.log_file is None


def test_a_reminder_before_the_due_date_uses_the_friendly_pre_due_wording(tmp_path):
    paths = Paths(tmp_path)
    reminder = make_reminder(
        reminder_id="andina-FE1001-before_due",
        cadence_step="before_due",
        reminder_date=date(2025, 3, 8),
    )

    write_outbox([reminder], paths, COMPANIES, now=WRITTEN_AT)

    message = read_eml(paths.outbox / "andina-FE1001-before_due.eml")
    assert message["Subject"] == "Recordatorio: la factura FE1001 vence el 13 de marzo de 2025"


def test_the_default_evaluation_date_is_the_latest_due_day_within_the_data(schedule_warehouse):
    with duckdb.connect(str(schedule_warehouse), read_only=True) as connection:
        assert default_evaluation_date(connection) == date(2025, 3, 20)


def test_only_reminders_flagged_due_on_the_evaluation_date_are_read(schedule_warehouse):
    with duckdb.connect(str(schedule_warehouse), read_only=True) as connection:
        reminders = due_reminders(connection, date(2025, 3, 20))

    assert [reminder.reminder_id for reminder in reminders] == ["r1"]
    assert reminders[0].open_amount == Decimal("100000.00")
    assert reminders[0].payment_reference == "REF-0001"
    assert reminders[0].contact_address == "uno@example.co"
