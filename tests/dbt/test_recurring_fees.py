"""A customer billed the same monthly fee: an unreferenced payment can only pay what was
already billed when it arrived, so next month's invoice of that fee is not a second candidate.
"""

from decimal import Decimal

import pytest
from test_matching import MONDAY, at, bank_credit_row, customer_row, day, document_row

# customer_id, name, NIT base, account the customer pays from, e-mail
CUSTOMERS = [("C101", "Gimnasio Vital S.A.S.", "900765432", "333444555", "g@v.co")]
# document_id, customer_id, total, due in days from Monday (issued 30 days before)
INVOICES = [
    ("FEA-000201", "C101", "45000.00", 0, None, None),
    ("FEA-000202", "C101", "45000.00", 31, None, None),
]
# Paid on Monday from the account on file, naming nothing.
PAYMENT = ("E21", 0, "45000.00", "GIMNASIO VITAL", "333444555", None, "PAGO")


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customers = [customer_row(*row) for row in CUSTOMERS]
    raw_dataset.write("customers", "customers-1", at(MONDAY, 5), customers)
    documents = [document_row(*row) for row in INVOICES]
    raw_dataset.write("invoices", "invoices-1", at(day(1), 5), documents)
    raw_dataset.write("bank_lines", "camt-1", at(day(1), 11), [bank_credit_row(*PAYMENT)])
    return dbt_build(raw_dataset.data_dir, "path:models/staging", "path:models/intermediate")


def test_next_months_invoice_of_the_same_fee_is_no_candidate_for_todays_payment(warehouse):
    [(candidate_count, document_id)] = warehouse.query(
        "select candidate_count, document_id from int_customer_amount_matches"
    )
    applications = warehouse.query(
        "select document_id, applied_amount, match_rule from int_payment_applications"
    )

    assert (candidate_count, document_id) == (1, "FEA-000201")
    assert applications == [("FEA-000201", Decimal("45000.00"), "customer_unique_amount")]
