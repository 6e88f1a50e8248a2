"""Shared fixtures: a parsed dbt manifest and a tiny warehouse with the reminder marts."""

from pathlib import Path

import duckdb
import pytest
from dagster_dbt import DbtCliResource

from orchestration.resources import dbt_executable

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory):
    """Parses the dbt project into a private target folder, then leaves the environment
    pointing at it while the definitions are imported.

    A private folder keeps parallel workers and a developer's own `dbt build` apart.
    """
    data_dir = tmp_path_factory.mktemp("data")
    target = tmp_path_factory.mktemp("dbt_target")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECAUDO_DATA_DIR", str(data_dir))
        patch.setenv("RECAUDO_WAREHOUSE", str(data_dir / "warehouse.duckdb"))
        patch.setenv("DBT_TARGET_PATH", str(target))
        dbt = DbtCliResource(project_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable())
        dbt.cli(["parse", "--quiet"], target_path=target).wait()
        yield target / "manifest.json"


@pytest.fixture
def schedule_warehouse(tmp_path):
    """The columns the reminders read from fct_reminder_schedule, int_documents and dim_dates.

    The data's as-of date is 2025-03-21; r3 falls after it, r2 is suppressed.
    """
    warehouse = tmp_path / "warehouse.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute(
        """
        create table fct_reminder_schedule as
        select
            reminder_id, company_id, document_id, customer_id, customer_name,
            contact_address, cadence_step, contact_channel,
            reminder_date::date as reminder_date, due_date::date as due_date,
            open_amount_known::decimal(18, 2) as open_amount_known, currency, is_due,
        from (values
            ('r1', 'andina', 'FE1', 'C1', 'Cliente Uno', 'uno@example.co', 'on_due',
             'email', '2025-03-20', '2025-03-20', 100000.00, 'COP', true),
            ('r2', 'andina', 'FE2', 'C2', 'Cliente Dos', 'dos@example.co', 'on_due',
             'email', '2025-03-20', '2025-03-20', 200000.00, 'COP', false),
            ('r3', 'andina', 'FE3', 'C3', 'Cliente Tres', 'tres@example.co', 'overdue_7',
             'email', '2025-03-27', '2025-03-20', 300000.00, 'COP', true),
            ('r4', 'andina', 'FE4', 'C4', 'Cliente Cuatro', 'cuatro@example.co', 'before_due',
             'email', '2025-03-18', '2025-03-23', 400000.00, 'COP', true)
        ) as t(reminder_id, company_id, document_id, customer_id, customer_name,
               contact_address, cadence_step, contact_channel, reminder_date, due_date,
               open_amount_known, currency, is_due)
        """
    )
    connection.execute(
        """
        create table int_documents as
        select * from (values ('andina', 'FE1', 'REF-0001'), ('andina', 'FE2', 'REF-0002'))
            as t(company_id, document_id, payment_reference)
        """
    )
    connection.execute(
        """
        create table dim_dates as
        select calendar_date::date as calendar_date, is_as_of_date
        from (values ('2025-03-20', false), ('2025-03-21', true), ('2025-03-22', false))
            as t(calendar_date, is_as_of_date)
        """
    )
    connection.close()
    return warehouse
