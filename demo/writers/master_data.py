"""CSV exports from the companies' ERP: customers, invoices, promises and agreements."""

from datetime import date, timedelta

from demo.behaviour import Agreement, Promise
from demo.dates import local_time
from demo.money import decimal_text
from demo.world import Company, Customer, Document, Scale, World
from demo.writers.files import Inbox, csv_bytes

# The billing layouts are defined once, by the parser that reads them.
from ingest.parsers.billing_csv import (
    AGREEMENT_COLUMNS,
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    PROMISE_COLUMNS,
)

CURRENCY = "COP"


def write_customers(inbox: Inbox, world: World, scale: Scale) -> None:
    """The master arrives the evening before the period; later joiners in a second file."""
    for company in world.companies:
        for joined_date in (scale.period_start_date, scale.new_customers_date):
            customers = [
                c
                for c in world.customers
                if c.company_id == company.company_id and c.joined_date == joined_date
            ]
            arrival_date = joined_date - timedelta(days=1)
            name = f"customers_{company.company_id}_{arrival_date:%Y%m%d}.csv"
            rows = [_customer_row(company, customer) for customer in customers]
            content = csv_bytes(CUSTOMER_COLUMNS, rows)
            inbox.write("customers", name, content, local_time(arrival_date, 20))


def _customer_row(company: Company, customer: Customer) -> list[str]:
    return [
        company.tax_id_base,
        customer.customer_id,
        customer.customer_name,
        customer.tax_id,
        customer.segment,
        customer.email,
        customer.phone,
        customer.bank_account,
        str(customer.payment_terms_days),
    ]


def write_invoices(inbox: Inbox, world: World) -> None:
    """One file per company and issue day, exported at 21:00 that day."""
    by_day: dict[tuple[str, date], list[Document]] = {}
    for document in world.invoices + world.credit_notes:
        by_day.setdefault((document.company_id, document.issue_date), []).append(document)
    for (company_id, issue_date), documents in sorted(by_day.items()):
        company = world.company_by_id[company_id]
        documents.sort(key=lambda document: document.document_id)
        rows = [_invoice_row(company, document) for document in documents]
        name = f"invoices_{company_id}_{issue_date:%Y%m%d}.csv"
        inbox.write("invoices", name, csv_bytes(INVOICE_COLUMNS, rows), local_time(issue_date, 21))


def _invoice_row(company: Company, document: Document) -> list[str]:
    return [
        company.tax_id_base,
        document.document_id,
        document.document_type,
        document.related_document_id,
        document.customer_id,
        document.issue_date.isoformat(),
        document.due_date.isoformat(),
        CURRENCY,
        decimal_text(document.net_amount),
        decimal_text(document.tax_amount),
        decimal_text(document.total_amount),
        document.payment_reference,
        document.collection_reference,
    ]


def write_promises(inbox: Inbox, world: World, promises: list[Promise]) -> None:
    """Promises logged by collectors that day, and cancellations of earlier ones, at 18:00."""
    by_day: dict[tuple[str, date], list[list[str]]] = {}
    for promise in promises:
        company = world.company_by_id[promise.company_id]
        made_key = (promise.company_id, promise.promise_made_date)
        by_day.setdefault(made_key, []).append(_promise_row(company, promise, None))
        if promise.cancelled_date is not None:
            cancelled_key = (promise.company_id, promise.cancelled_date)
            row = _promise_row(company, promise, promise.cancelled_date)
            by_day.setdefault(cancelled_key, []).append(row)
    for (company_id, day), rows in sorted(by_day.items()):
        name = f"promises_{company_id}_{day:%Y%m%d}.csv"
        rows.sort(key=lambda row: row[1])
        inbox.write("promises", name, csv_bytes(PROMISE_COLUMNS, rows), local_time(day, 18))


def _promise_row(company: Company, promise: Promise, cancelled_date: date | None) -> list[str]:
    return [
        company.tax_id_base,
        promise.promise_id,
        promise.customer_id,
        promise.document_id,
        decimal_text(promise.promised_amount),
        CURRENCY,
        promise.promise_made_date.isoformat(),
        promise.promised_payment_date.isoformat(),
        promise.contact_channel,
        cancelled_date.isoformat() if cancelled_date else "",
    ]


def write_agreements(inbox: Inbox, world: World, agreements: list[Agreement]) -> None:
    by_day: dict[tuple[str, date], list[list[str]]] = {}
    for agreement in agreements:
        company = world.company_by_id[agreement.company_id]
        rows = by_day.setdefault((agreement.company_id, agreement.agreement_date), [])
        rows += [
            [
                company.tax_id_base,
                agreement.agreement_id,
                agreement.customer_id,
                agreement.document_id,
                agreement.agreement_date.isoformat(),
                str(instalment.number),
                instalment.due_date.isoformat(),
                decimal_text(instalment.amount),
                CURRENCY,
            ]
            for instalment in agreement.instalments
        ]
    for (company_id, day), rows in sorted(by_day.items()):
        name = f"agreements_{company_id}_{day:%Y%m%d}.csv"
        inbox.write("agreements", name, csv_bytes(AGREEMENT_COLUMNS, rows), local_time(day, 18))
