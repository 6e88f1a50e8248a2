"""Credit and debit notes linked to the invoice they amend: by the invoice's CUFE when the note
carries one, else by its number; a link in doubt is flagged and reduces nothing.

One company (andina), one customer, three invoices issued on Monday 3 March 2025 (two from DIAN
with a CUFE, one from the billing system without) and five notes. Amounts are in COP.
"""

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum.co import nit

MONDAY = date(2025, 3, 3)
RECEIVABLE = "130505"


def cufe(seed: str) -> str:
    """A CUFE is a SHA-384 in hex, as DIAN computes it."""
    return hashlib.sha384(seed.encode()).hexdigest()


# document_id, type, total, own CUFE, related number, related CUFE
DOCUMENTS = [
    ("FEA-1", "invoice", "119000.00", cufe("FEA-1"), None, None),
    ("FEA-2", "invoice", "238000.00", cufe("FEA-2"), None, None),
    # From the billing system, which keeps no CUFE.
    ("FV-3", "invoice", "59500.00", None, None, None),
    # Names its invoice by CUFE only.
    ("NC-1", "credit_note", "11900.00", cufe("NC-1"), None, cufe("FEA-1")),
    # The CUFE is FEA-2's, the number FEA-1's.
    ("NC-2", "credit_note", "23800.00", cufe("NC-2"), "FEA-1", cufe("FEA-2")),
    # A CUFE that no document carries, and no number.
    ("NC-3", "credit_note", "5950.00", cufe("NC-3"), None, cufe("unknown")),
    # A CUFE beside the number of an invoice whose CUFE is not on record.
    ("NC-4", "credit_note", "5950.00", cufe("NC-4"), "FV-3", cufe("FV-3")),
    # By number only, as the billing system writes notes.
    ("NC-5", "credit_note", "23800.00", None, "FEA-2", None),
    ("ND-1", "debit_note", "1190.00", cufe("ND-1"), "FEA-1", cufe("FEA-1")),
]


def document_row(document_id, document_type, total, own_cufe, related, related_cufe) -> dict:
    total_amount = Decimal(total)
    net_amount = (total_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    return {
        "document_id": document_id,
        "document_type": document_type,
        "related_document_id": related,
        "customer_id": "C001",
        "issue_date": MONDAY,
        "due_date": MONDAY + timedelta(days=30),
        "currency": "COP",
        "net_amount": net_amount,
        "tax_amount": total_amount - net_amount,
        "total_amount": total_amount,
        "prepaid_amount": None,
        "payment_reference": None,
        "collection_reference": None,
        "document_uuid": own_cufe,
        "related_document_uuid": related_cufe,
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customer = {
        "customer_id": "C001",
        "customer_name": "Ferreteria El Tornillo S.A.S.",
        "tax_id": f"900123456-{nit.calc_check_digit('900123456')}",
        "tax_id_base": "900123456",
        "tax_id_check_digit": nit.calc_check_digit("900123456"),
        "segment": "corporate",
        "email": None,
        "phone": None,
        "bank_account": None,
        "payment_terms_days": 30,
    }
    arrived_at = datetime(2025, 3, 3, 5, tzinfo=UTC)
    raw_dataset.write("customers", "customers-1", arrived_at, [customer])
    documents = [document_row(*document) for document in DOCUMENTS]
    raw_dataset.write("invoices", "invoices-1", arrived_at, documents)
    return dbt_build(raw_dataset.data_dir)


def links(warehouse) -> dict[str, tuple]:
    rows = warehouse.query(
        """
        select document_id, amended_document_id, amendment_link_method, amendment_link_issue
        from int_documents
        where document_type <> 'invoice'
        """
    )
    return {row[0]: row[1:] for row in rows}


def test_a_note_naming_its_invoice_by_cufe_alone_is_linked_to_the_invoice_carrying_it(
    warehouse,
):
    assert links(warehouse)["NC-1"] == ("FEA-1", "cufe", None)
    assert links(warehouse)["ND-1"] == ("FEA-1", "cufe", None)


def test_a_note_whose_cufe_and_number_name_different_invoices_is_flagged_and_left_unlinked(
    warehouse,
):
    assert links(warehouse)["NC-2"] == (None, None, "cufe_and_number_disagree")


def test_a_note_whose_cufe_no_document_carries_is_flagged_and_left_unlinked(warehouse):
    assert links(warehouse)["NC-3"] == (None, None, "cufe_not_found")


def test_a_cufe_beside_the_number_of_an_invoice_without_cufe_follows_the_number_flagged(
    warehouse,
):
    assert links(warehouse)["NC-4"] == ("FV-3", "document_number", "cufe_unverified")


def test_a_note_without_cufe_is_linked_by_the_invoice_number(warehouse):
    assert links(warehouse)["NC-5"] == ("FEA-2", "document_number", None)


def test_only_linked_credit_notes_reduce_an_invoice_and_each_reduces_its_own(warehouse):
    assert warehouse.query(
        """
        select credit_note_id, document_id, applied_amount
        from int_credit_note_applications order by credit_note_id
        """
    ) == [
        ("NC-1", "FEA-1", Decimal("11900.00")),
        ("NC-4", "FV-3", Decimal("5950.00")),
        ("NC-5", "FEA-2", Decimal("23800.00")),
    ]
    assert warehouse.query(
        "select document_id, open_amount from fct_open_items order by document_id"
    ) == [
        ("FEA-1", Decimal("107100.00")),
        ("FEA-2", Decimal("214200.00")),
        ("FV-3", Decimal("53550.00")),
        ("NC-2", Decimal("-23800.00")),
        ("NC-3", Decimal("-5950.00")),
        ("ND-1", Decimal("1190.00")),
    ]


def test_the_open_items_of_unlinked_credit_notes_say_why_they_reduced_no_invoice(warehouse):
    assert warehouse.query(
        """
        select document_id, amended_document_id, amendment_link_issue
        from fct_open_items where document_type <> 'invoice' order by document_id
        """
    ) == [
        ("NC-2", None, "cufe_and_number_disagree"),
        ("NC-3", None, "cufe_not_found"),
        ("ND-1", "FEA-1", None),
    ]


def test_the_receivable_account_holds_what_the_open_items_say_with_unlinked_notes_as_credits(
    warehouse,
):
    # 119,000 + 238,000 + 59,500 + 1,190 billed; every credit note credited the receivable.
    assert warehouse.query(
        f"""
        select sum(debit_amount - credit_amount) from fct_journal_entries
        where account_code = '{RECEIVABLE}'
        """
    ) == [(Decimal("346290.00"),)]
