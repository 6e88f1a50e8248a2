"""What a payment says about itself: payer, reference and remittance text, per channel.

Bank texts follow what Colombian treasuries type into a transfer: upper case, no accents,
the document number or RF reference somewhere in free text, or nothing useful at all.
"""

import random
from datetime import datetime, time

from demo.dates import BOGOTA
from demo.payments import Payment
from demo.references import change_one_digit
from demo.world import Customer, Document, World, ascii_upper

# Scenarios whose payment does not name its document correctly.
UNREFERENCED_SCENARIOS = (
    "missing_reference",
    "mistyped_reference",
    "ambiguous",
    "multi_invoice_unreferenced",
)
# Payer names arrive cut to one interbank name line (SWIFT 35x).
BANK_NAME_LENGTH = 35
# ISO 20022 caps one `Ustrd` line at 140 characters.
REMITTANCE_TEXT_LENGTH = 140
# Share of clean camt.053 credits whose RF reference arrives structured, not in free text.
STRUCTURED_REFERENCE_SHARE = 1 / 3
DOCUMENT_NUMBER_DIGITS = 6
# Share of gateway checkouts created with the RF reference instead of the document id.
GATEWAY_RF_SHARE = 0.30
COLLECTION_METHODS = {"pse": 0.55, "branch_cash": 0.35, "branch_cheque": 0.10}


def describe(
    rng: random.Random,
    payment: Payment,
    documents: list[Document],
    world: World,
    credit_note: Document | None = None,
    instalment_number: int | None = None,
    balance: bool = False,
) -> None:
    """Fill in the payer, reference and text of a payment for its channel and scenario."""
    payment.valid_reference = payment.scenario not in UNREFERENCED_SCENARIOS
    if payment.source_format == "asobancaria2001":
        _collection(rng, payment, documents[0])
    elif payment.source_format == "gateway":
        _gateway_charge(rng, payment, documents[0], world)
    else:
        _bank_transfer(rng, payment, documents, world, credit_note, instalment_number, balance)


def bank_name(name: str) -> str:
    return ascii_upper(name)[:BANK_NAME_LENGTH].strip()


def _reference_token(rng: random.Random, invoice: Document) -> str:
    """The way a payer writes the invoice: `FEA-000123`, `FEA000123` or `RF40FEA000123`."""
    return rng.choice(
        (invoice.document_id, invoice.document_id.replace("-", ""), invoice.payment_reference)
    )


def _mistyped_token(rng: random.Random, invoice: Document) -> str:
    """One wrong digit: in an RF reference the check digits fail; in a document number the
    number points to nothing or to another invoice."""
    if rng.random() < 0.5:
        reference = invoice.payment_reference
        return change_one_digit(rng, reference, first=len(reference) - DOCUMENT_NUMBER_DIGITS)
    number_start = invoice.document_id.index("-") + 1
    return change_one_digit(rng, invoice.document_id, first=number_start)


def _identity(customer: Customer) -> str:
    return f"NIT {customer.tax_id}" if customer.is_company else f"CC {customer.tax_id}"


def _bank_transfer(
    rng: random.Random,
    payment: Payment,
    documents: list[Document],
    world: World,
    credit_note: Document | None,
    instalment_number: int | None,
    balance: bool,
) -> None:
    customer = payment.customer
    invoice = documents[0]
    name = bank_name(customer.customer_name)
    payment.payer_name = name
    payment.payer_account = customer.paying_account
    payment.known_payer = customer.bank_account == customer.paying_account
    if (
        payment.scenario == "clean"
        and payment.source_format == "camt053"
        and rng.random() < STRUCTURED_REFERENCE_SHARE
    ):
        payment.structured_reference = payment.typed_reference = invoice.payment_reference
        return
    token = _reference_token(rng, invoice)
    match payment.scenario:
        case "clean":
            text = rng.choice(
                (f"PAGO FACTURA {token}", token, f"CANCELA FACT {token}", f"PAGO {token} {name}")
            )
        case "missing_reference":
            token, text = "", _unreferenced_text(rng, customer, name)
            if customer.tax_id in text:
                payment.known_payer = True
        case "mistyped_reference":
            token = _mistyped_token(rng, invoice)
            text = rng.choice((f"PAGO FACTURA {token}", token))
        case "free_text_reference":
            text, token = _free_text(rng, customer, name, token), ""
        case "partial":
            text = f"{'SALDO' if balance else 'ABONO'} FACTURA {token}"
        case "short_payment" | "overpayment":
            text = rng.choice((f"PAGO FACTURA {token}", f"CANCELA FACT {token}", token))
        case "multi_invoice":
            listed = " ".join(document.document_id for document in documents)
            token = ""
            text = rng.choice((f"FACTS {listed} {_identity(customer)}", f"PAGO FACTURAS {listed}"))
        case "multi_invoice_unreferenced":
            token = ""
            text = rng.choice(("PAGO FACTURAS", "PAGO FACTURAS VARIAS", "ABONO CARTERA"))
            if rng.random() < 0.5:
                text = f"{text} {_identity(customer)}"
                payment.known_payer = True
        case "third_party_payer":
            payer = rng.choice(world.third_party_payers)
            payment.payer_name = bank_name(payer.name)
            payment.payer_account = payer.bank_account
            payment.known_payer = False
            text = rng.choice(
                (f"PAGO FACTURA {token} CLIENTE {name}", f"{token} POR CUENTA DE {name}")
            )
        case "withholding_short":
            text = rng.choice((f"PAGO {token} MENOS RETENCIONES", f"{token} NETO RETENCIONES"))
        case "ambiguous":
            token, text = "", rng.choice(("PAGO", "TRANSFERENCIA", f"PAGO {name}"))
        case "credit_note_net":
            text = f"PAGO FACTURA {token} MENOS NC {credit_note.document_id}"
        case "agreement_instalment":
            text = f"CUOTA {instalment_number} DE 3 ACUERDO FACT {token}"
        case other:
            raise ValueError(f"no bank transfer text for scenario {other!r}")
    payment.typed_reference = token
    payment.remittance_text = text[:REMITTANCE_TEXT_LENGTH]


def _free_text(rng: random.Random, customer: Customer, name: str, token: str) -> str:
    """The reference somewhere inside what a treasurer types into the transfer's free text."""
    return rng.choice(
        (
            f"TRANSFERENCIA {name} REF {token} GRACIAS",
            f"PAGO PROVEEDOR {_identity(customer)} DOC {token} SEGUN ESTADO DE CUENTA",
            f"{name} CANCELA SU FACTURA NO. {token} DEL MES",
            f"ABONO A CARTERA OBLIGACION {token} {_identity(customer)}",
        )
    )


def _unreferenced_text(rng: random.Random, customer: Customer, name: str) -> str:
    """Half the time the payer's tax id, otherwise only words that identify nothing."""
    if rng.random() < 0.5:
        prefix = "PAGO PROVEEDOR" if customer.is_company else "PAGO"
        return f"{prefix} {_identity(customer)}"
    return rng.choice(("PAGO PROVEEDOR", "TRANSFERENCIA", f"PAGO {name}"))


def _collection(rng: random.Random, payment: Payment, invoice: Document) -> None:
    """A recaudo line carries one numeric reference and no payer data."""
    payment.payment_method = rng.choices(
        list(COLLECTION_METHODS), weights=list(COLLECTION_METHODS.values())
    )[0]
    payment.typed_reference = invoice.collection_reference
    if payment.scenario == "mistyped_reference":
        payment.typed_reference = change_one_digit(rng, invoice.collection_reference)
    elif payment.scenario == "missing_reference":
        # At the PSE button the customer typed its own id instead of the invoice reference.
        payment.typed_reference = payment.customer.tax_id_digits
        payment.known_payer = True


def _gateway_charge(rng: random.Random, payment: Payment, invoice: Document, world: World) -> None:
    customer = payment.customer
    card_share = 0.55 if customer.segment == "individual" else 0.30
    payment.payment_method = "card" if rng.random() < card_share else "pse"
    payment.payer_name = customer.customer_name
    payment.payer_email = customer.email
    # An e-mail two customers share identifies neither.
    payment.known_payer = (customer.company_id, customer.email) not in world.shared_emails
    payment.typed_reference = invoice.document_id
    if rng.random() < GATEWAY_RF_SHARE:
        payment.typed_reference = invoice.payment_reference
    if payment.scenario == "mistyped_reference":
        payment.typed_reference = _mistyped_token(rng, invoice)
    elif payment.scenario == "missing_reference":
        # A generic payment link: the charge names the link, not the invoice.
        payment.typed_reference = f"LINK-{rng.randint(100000, 999999)}"
        if rng.random() < 0.5:
            first_word = ascii_upper(customer.customer_name.split()[0]).lower()
            payment.payer_email = f"{first_word}{rng.randint(10, 9999)}@gmail.com"
            payment.known_payer = False
    moment = time(rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59))
    payment.created_at = datetime.combine(payment.payment_date, moment, tzinfo=BOGOTA)
