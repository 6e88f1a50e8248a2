"""The gateway's CSV reports: intraday notifications and the daily settlement with its payout."""

from datetime import datetime, timedelta

from demo.dates import local_time
from demo.gateway import GATEWAY, GatewayCharge, Payout
from demo.money import decimal_text
from demo.writers.files import Inbox, csv_bytes

# The gateway layout is defined once, by the parser that reads it.
from ingest.parsers.gateway_csv import COLUMNS

CURRENCY = "COP"
NOTIFICATION_WINDOW = timedelta(minutes=30)
NOTIFICATION_DELAY = timedelta(minutes=2)


def write_gateway_reports(inbox: Inbox, payouts: list[Payout]) -> None:
    for payout in payouts:
        _write_notifications(inbox, payout)
        _write_settlement(inbox, payout)


def _window_start(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 30, second=0, microsecond=0)


def _write_notifications(inbox: Inbox, payout: Payout) -> None:
    """One file per half hour with charges, named by the window's start."""
    windows: dict[datetime, list[GatewayCharge]] = {}
    for charge in payout.charges:
        windows.setdefault(_window_start(charge.payment.created_at), []).append(charge)
    for window_start, charges in sorted(windows.items()):
        name = f"gateway_{GATEWAY}_{payout.merchant_account}_{window_start:%Y%m%dT%H%M}.csv"
        rows = [_charge_row(payout, charge, settled=False) for charge in charges]
        arrived_at = window_start + NOTIFICATION_WINDOW + NOTIFICATION_DELAY
        inbox.write("gateway_notification", name, csv_bytes(COLUMNS, rows), arrived_at)


def _write_settlement(inbox: Inbox, payout: Payout) -> None:
    """The day's charges again with fees, then the payout row; ready at 05:00 the next day."""
    rows = [_charge_row(payout, charge, settled=True) for charge in payout.charges]
    rows.append(
        [
            "payout",
            GATEWAY,
            payout.merchant_account,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            CURRENCY,
            "",
            "",
            "",
            decimal_text(payout.net_amount),
            payout.payout_id,
            payout.payout_date.isoformat(),
        ]
    )
    day = payout.settlement_date
    name = f"settlement_{GATEWAY}_{payout.merchant_account}_{day:%Y%m%d}.csv"
    arrived_at = local_time(day + timedelta(days=1), 5)
    inbox.write("gateway_settlement", name, csv_bytes(COLUMNS, rows), arrived_at)


def _charge_row(payout: Payout, charge: GatewayCharge, settled: bool) -> list[str]:
    payment = charge.payment
    row = [
        "transaction",
        GATEWAY,
        payout.merchant_account,
        charge.transaction_id,
        "charge",
        payment.created_at.isoformat(),
        payment.typed_reference,
        payment.payment_method,
        payment.payer_name,
        payment.payer_email,
        CURRENCY,
        decimal_text(payment.amount),
    ]
    if not settled:
        return [*row, "", "", "", "", ""]
    return [
        *row,
        decimal_text(charge.fee_amount),
        decimal_text(charge.fee_tax_amount),
        decimal_text(charge.net_amount),
        payout.payout_id,
        payout.payout_date.isoformat(),
    ]
