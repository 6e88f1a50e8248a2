"""Cash application on the seeded demo world, graded against the generator's answer key.

The generator knows which document each payment pays and whether a careful matcher could
tell (`identifiable`); the pipeline never reads that key. A (payment, document) pair applied
automatically is correct when the key lists it.
"""

from datetime import UTC, datetime

import pytest

from demo.generate import generate
from ingest.config import CompanyRegistry, Paths
from ingest.landing import ensure_empty_sources, land_inbox

LANDED_AT = datetime(2026, 11, 1, 6, tzinfo=UTC)

GRADED_APPLICATIONS_SQL = """
    with answer_key as (
        select *
        from read_csv(?, header = true, all_varchar = true)
    ),

    automatic as (
        select
            payments.company_id,
            payments.source_format,
            payments.source_reference,
            applications.document_id,
            applications.applied_amount
        from int_payment_applications as applications
        inner join int_payments as payments using (payment_id)
        where applications.application_status = 'automatic'
    )

    select
        automatic.source_reference,
        automatic.document_id,
        automatic.applied_amount,
        cast(answer_key.allocated_amount as decimal(18, 2)) as allocated_amount
    from automatic
    left join answer_key
        on automatic.company_id = answer_key.company_id
        and automatic.source_format = answer_key.source_format
        and automatic.source_reference = answer_key.source_reference
        and automatic.document_id = answer_key.document_id
"""

IDENTIFIABLE_LEFT_OUT_SQL = """
    with answer_key as (
        select *
        from read_csv(?, header = true, all_varchar = true)
    )

    select answer_key.source_reference, answer_key.document_id, answer_key.scenario
    from answer_key
    left join int_payments as payments
        on answer_key.company_id = payments.company_id
        and answer_key.source_format = payments.source_format
        and answer_key.source_reference = payments.source_reference
    left join int_payment_applications as applications
        on payments.payment_id = applications.payment_id
        and answer_key.document_id = applications.document_id
        and applications.application_status != 'suggested'
    where answer_key.identifiable = 'true' and applications.application_id is null
"""


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory, dbt_build):
    data_dir = tmp_path_factory.mktemp("demo")
    generate(data_dir, scale="small")
    paths = Paths(data_dir)
    land_inbox(paths, CompanyRegistry.load(), now=LANDED_AT)
    ensure_empty_sources(paths)
    warehouse = dbt_build(data_dir, "path:models/staging", "path:models/intermediate")
    return warehouse, str(paths.answer_key / "allocations.csv")


def test_every_automatic_application_is_a_pair_of_the_answer_key_with_its_amount(demo_world):
    warehouse, answer_key = demo_world
    graded = warehouse.query(GRADED_APPLICATIONS_SQL, [answer_key])

    assert len(graded) > 40
    wrong = [row for row in graded if row[3] is None or row[2] != row[3]]
    assert wrong == []


def test_every_payment_the_answer_key_calls_identifiable_is_applied(demo_world):
    warehouse, answer_key = demo_world

    assert warehouse.query(IDENTIFIABLE_LEFT_OUT_SQL, [answer_key]) == []


def test_nine_in_ten_demo_payments_are_applied_without_a_human(demo_world):
    warehouse, _ = demo_world
    [(payment_count, automatic_count)] = warehouse.query(
        """
        select
            count(*),
            count(*) filter (
                where payment_id in (
                    select payment_id from int_payment_applications
                    where application_status = 'automatic'
                )
            )
        from int_payments
        """
    )

    assert payment_count > 50
    assert automatic_count / payment_count >= 0.9
