"""ISO 20022 camt.053.001.02 end-of-day statements, one file per account and business day."""

from datetime import timedelta
from decimal import Decimal

from lxml import etree
from lxml.builder import ElementMaker

from demo.dates import local_time
from demo.ledger import BankEntry, BankStatement
from demo.money import decimal_text
from demo.world import Company
from demo.writers.files import Inbox

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
CURRENCY = "COP"
E = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE})


def camt053_name(statement: BankStatement) -> str:
    return f"camt053_{statement.account}_{statement.statement_date:%Y%m%d}.xml"


def write_camt053(inbox: Inbox, statement: BankStatement, company: Company) -> str:
    """Write one statement; it reaches the inbox at 06:30 the next calendar day."""
    name = camt053_name(statement)
    arrival_date = statement.statement_date + timedelta(days=1)
    content = camt053_bytes(statement, company)
    inbox.write("camt053", name, content, local_time(arrival_date, 6, 30))
    return name


def camt053_bytes(statement: BankStatement, company: Company) -> bytes:
    day = statement.statement_date
    created_at = local_time(day + timedelta(days=1), 6, 20).isoformat()
    document = E.Document(
        E.BkToCstmrStmt(
            E.GrpHdr(E.MsgId(f"STMT-{statement.account}-{day:%Y%m%d}"), E.CreDtTm(created_at)),
            E.Stmt(
                E.Id(f"{statement.account}-{day:%Y%m%d}"),
                E.ElctrncSeqNb(str(statement.sequence_number)),
                E.CreDtTm(created_at),
                E.Acct(
                    E.Id(E.Othr(E.Id(statement.account))),
                    E.Ccy(CURRENCY),
                    E.Ownr(E.Nm(company.legal_name)),
                ),
                _balance("OPBD", statement.opening_balance, day),
                _balance("CLBD", statement.closing_balance, day),
                _summary(statement),
                *(_entry(entry) for entry in statement.entries),
            ),
        )
    )
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _amount(amount: Decimal) -> etree._Element:
    return E.Amt(decimal_text(abs(amount)), Ccy=CURRENCY)


def _indicator(amount: Decimal) -> etree._Element:
    return E.CdtDbtInd("CRDT" if amount >= 0 else "DBIT")


def _balance(code: str, amount: Decimal, day) -> etree._Element:
    return E.Bal(
        E.Tp(E.CdOrPrtry(E.Cd(code))),
        _amount(amount),
        _indicator(amount),
        E.Dt(E.Dt(day.isoformat())),
    )


def _summary(statement: BankStatement) -> etree._Element:
    credits = [e for e in statement.entries if e.direction == "credit"]
    debits = [e for e in statement.entries if e.direction == "debit"]
    net_amount = statement.credit_total - statement.debit_total
    return E.TxsSummry(
        E.TtlNtries(
            E.NbOfNtries(str(len(statement.entries))),
            E.Sum(decimal_text(statement.credit_total + statement.debit_total)),
            E.TtlNetNtryAmt(decimal_text(abs(net_amount))),
            _indicator(net_amount),
        ),
        E.TtlCdtNtries(E.NbOfNtries(str(len(credits))), E.Sum(decimal_text(sum_of(credits)))),
        E.TtlDbtNtries(E.NbOfNtries(str(len(debits))), E.Sum(decimal_text(sum_of(debits)))),
    )


def sum_of(entries: list[BankEntry]) -> Decimal:
    return sum((entry.amount for entry in entries), Decimal("0.00"))


def _entry(entry: BankEntry) -> etree._Element:
    day = entry.booking_date.isoformat()
    children = [
        _amount(entry.amount),
        E.CdtDbtInd("CRDT" if entry.direction == "credit" else "DBIT"),
        E.Sts("BOOK"),
        E.BookgDt(E.Dt(day)),
        E.ValDt(E.Dt(day)),
        E.AcctSvcrRef(entry.entry_reference),
        E.BkTxCd(E.Prtry(E.Cd(entry.transaction_code), E.Issr("BANCOLOMBIA"))),
        E.NtryDtls(E.TxDtls(*_transaction_details(entry))),
    ]
    if not entry.counterparty_name:
        # Bank charges carry their description at entry level, as banks print them.
        children.append(E.AddtlNtryInf(entry.remittance_text))
    return E.Ntry(*children)


def _transaction_details(entry: BankEntry) -> list[etree._Element]:
    details = [E.Refs(E.EndToEndId(entry.end_to_end_id))]
    parties = _related_parties(entry)
    if parties is not None:
        details.append(parties)
    if entry.structured_reference:
        details.append(
            E.RmtInf(
                E.Strd(
                    E.CdtrRefInf(E.Tp(E.CdOrPrtry(E.Cd("SCOR"))), E.Ref(entry.structured_reference))
                )
            )
        )
    elif entry.remittance_text:
        details.append(E.RmtInf(E.Ustrd(entry.remittance_text)))
    return details


def _related_parties(entry: BankEntry) -> etree._Element | None:
    """The payer of a credit (`Dbtr`) or the payee of a debit (`Cdtr`), when there is one."""
    if not entry.counterparty_name:
        return None
    role = "Dbtr" if entry.direction == "credit" else "Cdtr"
    parties = [getattr(E, role)(E.Nm(entry.counterparty_name))]
    if entry.counterparty_account:
        account = E.Id(E.Othr(E.Id(entry.counterparty_account)))
        parties.append(getattr(E, f"{role}Acct")(account))
    return E.RltdPties(*parties)
