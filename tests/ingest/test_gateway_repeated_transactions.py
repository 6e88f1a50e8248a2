from ingest.parsers._gateway import repeated_transactions


def transaction(line, transaction_id, *, account="acct-co", transaction_type="charge"):
    return {
        "record_number": line,
        "gateway": "stripe",
        "merchant_account": account,
        "transaction_id": transaction_id,
        "transaction_type": transaction_type,
    }


def test_an_id_on_three_lines_of_one_account_gives_one_warning_naming_every_line():
    transactions = [
        transaction(2, "tx-1"),
        transaction(3, "tx-2"),
        transaction(5, "tx-1"),
        transaction(9, "tx-1"),
    ]

    warnings = repeated_transactions(transactions, "report.csv")

    assert warnings == [
        "report.csv: transaction id tx-1 (charge) of stripe account acct-co is on lines "
        "2, 5 and 9; each loads as a separate transaction, so check with the gateway that "
        "they are distinct"
    ]


def test_an_id_reused_by_another_account_or_another_transaction_type_is_not_reported():
    transactions = [
        transaction(2, "tx-1"),
        transaction(3, "tx-1", account="acct-mx"),
        transaction(4, "tx-1", transaction_type="refund"),
    ]

    assert repeated_transactions(transactions, "report.csv") == []


def test_every_repeated_id_is_reported_in_the_order_it_first_appears():
    transactions = [
        transaction(2, "tx-b"),
        transaction(3, "tx-a"),
        transaction(4, "tx-a"),
        transaction(5, "tx-b"),
    ]

    warnings = repeated_transactions(transactions, "report.csv")

    assert [warning.split(" (")[0] for warning in warnings] == [
        "report.csv: transaction id tx-b",
        "report.csv: transaction id tx-a",
    ]
