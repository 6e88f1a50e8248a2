"""Generate the demo inbox and its answer key: `python -m demo.generate --scale small`.

The same seed and scale give byte-identical files with identical modification times, so a
demo run, a test and a benchmark all see the same world.
"""

import argparse
import logging
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

from demo.behaviour import Collections, simulate_collections
from demo.dates import BusinessCalendar, local_time
from demo.gateway import Payout, settle_gateway
from demo.ledger import BankStatement, build_statements
from demo.noise import NOISE_MIXES, NoiseMix, noise_mix
from demo.payments import Payment, Settlement, replay
from demo.world import SCALES, Company, Scale, World, build_world, load_companies
from demo.writers.answer_key import write_answer_key
from demo.writers.asobancaria import assign_authorizations, write_asobancaria
from demo.writers.camt053 import camt053_bytes, camt053_name, write_camt053
from demo.writers.files import Inbox
from demo.writers.gateway import write_gateway_reports
from demo.writers.master_data import (
    write_agreements,
    write_customers,
    write_invoices,
    write_promises,
)
from demo.writers.mt940 import write_mt940
from ingest.config import CompanyRegistry, Paths, data_dir

logger = logging.getLogger(__name__)

# File name prefixes this generator owns; older files with these names are replaced.
DEMO_FILE_PREFIXES = (
    "customers_",
    "invoices_",
    "camt053_",
    "mt940_",
    "asobancaria_",
    "gateway_wompi_",
    "settlement_wompi_",
    "promises_",
    "agreements_",
)
ANSWER_KEY_FILES = ("allocations.csv", "payouts.csv", "summary.json")


@dataclass(frozen=True)
class DemoSummary:
    """What one run generated; everything but `data_dir` is also written to summary.json."""

    data_dir: Path
    scale: str
    seed: int
    # Name of the noise mix in `demo.noise.NOISE_MIXES`, and its shares.
    noise: str
    noise_mix: dict
    period_start_date: date
    as_of_date: date
    customer_count: int
    invoice_count: int
    # Customers billed one fixed fee on every invoice.
    recurring_customer_count: int
    credit_note_count: int
    payment_count: int
    allocation_count: int
    identifiable_payment_count: int
    payments_by_scenario: dict[str, int]
    payments_by_expected_match_type: dict[str, int]
    payments_by_channel: dict[str, int]
    payments_by_source_format: dict[str, int]
    open_invoices_by_aging_bucket: dict[str, int]
    promises_by_outcome: dict[str, int]
    agreement_count: int
    payout_count: int
    bank_statement_count: int
    # Fees, taxes and supplier payments: bank lines that are not customer payments.
    non_customer_bank_entry_count: int
    files_by_kind: dict[str, int]
    duplicated_file: str

    def to_json_dict(self) -> dict:
        summary = asdict(self)
        del summary["data_dir"]
        for name in ("period_start_date", "as_of_date"):
            summary[name] = summary[name].isoformat()
        return summary


def generate(
    data_dir: Path, scale: str = "demo", seed: int = 42, noise: str = "realistic"
) -> DemoSummary:
    """Write the inbox files and the answer key for one seeded world under `data_dir`."""
    if scale not in SCALES:
        raise ValueError(f"scale {scale!r} is not one of {', '.join(sorted(SCALES))}")
    settings = SCALES[scale]
    mix = noise_mix(noise)
    paths = Paths(Path(data_dir))
    _prepare_folder(paths.inbox, DEMO_FILE_PREFIXES)
    _prepare_folder(paths.answer_key, ANSWER_KEY_FILES)

    # One generator and one Faker, both seeded: every draw below depends on the seed alone.
    rng = random.Random(seed)
    faker = Faker("es_CO")
    faker.seed_instance(seed)
    simulation = _simulate(rng, faker, settings, mix)

    inbox = Inbox(paths.inbox)
    duplicated_file = _write_inbox(inbox, rng, simulation, settings)
    logger.info("wrote %d inbox files to %s", len(inbox.written), paths.inbox)

    summary = _summary(paths.root, scale, seed, noise, simulation, inbox, duplicated_file)
    written_at = local_time(settings.as_of_date + timedelta(days=1), 8)
    payments = simulation.collections.payments
    write_answer_key(
        paths.answer_key, payments, simulation.payouts, summary.to_json_dict(), written_at
    )
    logger.info(
        "wrote answer key with %d allocations to %s", summary.allocation_count, paths.answer_key
    )
    return summary


@dataclass
class Simulation:
    """Everything that happened in the world, before any of it is written down."""

    world: World
    collections: Collections
    payouts: list[Payout]
    statements: list[BankStatement]
    settlement: Settlement


def _simulate(rng: random.Random, faker: Faker, settings: Scale, mix: NoiseMix) -> Simulation:
    calendar = BusinessCalendar([settings.period_start_date.year, settings.as_of_date.year + 1])
    companies = load_companies(CompanyRegistry.load())
    world = build_world(rng, faker, companies, settings, calendar, mix)
    logger.info(
        "built %d customers, %d invoices and %d credit notes for %d companies",
        len(world.customers),
        len(world.invoices),
        len(world.credit_notes),
        len(companies),
    )

    collections = simulate_collections(rng, world, settings, calendar, mix)
    payouts = settle_gateway(rng, world, collections.payments, calendar)
    statements = build_statements(rng, world, collections.payments, payouts, settings, calendar)
    assign_authorizations(rng, collections.payments)
    settlement = replay(world, collections.payments, settings.as_of_date)
    logger.info(
        "simulated %d payments, %d promises, %d agreements, %d payouts, %d bank statements",
        len(collections.payments),
        len(collections.promises),
        len(collections.agreements),
        len(payouts),
        len(statements),
    )
    return Simulation(world, collections, payouts, statements, settlement)


def _prepare_folder(folder: Path, owned_names: tuple[str, ...]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stale = [
        path for path in folder.iterdir() if path.is_file() and path.name.startswith(owned_names)
    ]
    for path in stale:
        path.unlink()
    if stale:
        logger.info("removed %d files of an earlier demo run from %s", len(stale), folder)


def _write_inbox(inbox: Inbox, rng: random.Random, simulation: Simulation, settings: Scale) -> str:
    """Write every inbox file; return the name of the camt.053 statement delivered twice."""
    world, collections = simulation.world, simulation.collections
    write_customers(inbox, world, settings)
    write_invoices(inbox, world)
    for statement in simulation.statements:
        company = world.company_by_id[statement.company_id]
        if statement.source_format == "camt053":
            write_camt053(inbox, statement, company)
        else:
            write_mt940(inbox, statement)
    duplicated_file = _deliver_twice(inbox, rng, world, simulation.statements)
    for company, day, day_payments in _collections_by_day(world, collections.payments):
        write_asobancaria(inbox, rng, company, day, day_payments)
    write_gateway_reports(inbox, simulation.payouts)
    write_promises(inbox, world, collections.promises)
    write_agreements(inbox, world, collections.agreements)
    return duplicated_file


def _deliver_twice(
    inbox: Inbox, rng: random.Random, world: World, statements: list[BankStatement]
) -> str:
    """Banks resend a statement now and then: same bytes, another name, an hour later."""
    statement = rng.choice([s for s in statements if s.source_format == "camt053"])
    company = world.company_by_id[statement.company_id]
    name = camt053_name(statement).replace(".xml", "_copy.xml")
    arrived_at = local_time(statement.statement_date + timedelta(days=1), 7, 30)
    inbox.write("camt053", name, camt053_bytes(statement, company), arrived_at)
    return name


def _collections_by_day(
    world: World, payments: list[Payment]
) -> Iterator[tuple[Company, date, list[Payment]]]:
    by_day: dict[tuple[str, date], list[Payment]] = {}
    for payment in payments:
        if payment.source_format == "asobancaria2001":
            by_day.setdefault((payment.company_id, payment.payment_date), []).append(payment)
    for (company_id, day), day_payments in sorted(by_day.items()):
        yield world.company_by_id[company_id], day, day_payments


def _summary(
    root: Path,
    scale: str,
    seed: int,
    noise: str,
    simulation: Simulation,
    inbox: Inbox,
    duplicated_file: str,
) -> DemoSummary:
    world, statements = simulation.world, simulation.statements
    payments, promises = simulation.collections.payments, simulation.collections.promises
    settings = SCALES[scale]
    return DemoSummary(
        data_dir=root,
        scale=scale,
        seed=seed,
        noise=noise,
        noise_mix=NOISE_MIXES[noise].to_json_dict(),
        period_start_date=settings.period_start_date,
        as_of_date=settings.as_of_date,
        customer_count=len(world.customers),
        invoice_count=len(world.invoices),
        recurring_customer_count=len(world.recurring_fees),
        credit_note_count=len(world.credit_notes),
        payment_count=len(payments),
        allocation_count=sum(len(payment.allocations) for payment in payments),
        identifiable_payment_count=sum(payment.identifiable for payment in payments),
        payments_by_scenario=_counts(payment.scenario for payment in payments),
        payments_by_expected_match_type=_counts(
            payment.expected_match_type for payment in payments
        ),
        payments_by_channel=_counts(payment.channel for payment in payments),
        payments_by_source_format=_counts(payment.source_format for payment in payments),
        open_invoices_by_aging_bucket=simulation.settlement.aging_counts,
        promises_by_outcome=_counts(promise.outcome for promise in promises),
        agreement_count=len(simulation.collections.agreements),
        payout_count=len(simulation.payouts),
        bank_statement_count=len(statements),
        non_customer_bank_entry_count=sum(
            entry.payment is None and entry.payout is None
            for statement in statements
            for entry in statement.entries
        ),
        files_by_kind=inbox.counts_by_kind(),
        duplicated_file=duplicated_file,
    )


def _counts(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.generate",
        description="Write the demo inbox files and their answer key.",
    )
    parser.add_argument("--data-dir", type=Path, default=data_dir(), help="default: %(default)s")
    parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--noise", choices=sorted(NOISE_MIXES), default="realistic")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    generate(arguments.data_dir, arguments.scale, arguments.seed, arguments.noise)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
