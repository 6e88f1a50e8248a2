# %% [markdown]
# # Receivables at the as-of date
#
# A starting point for ad-hoc questions over the marts. Run `make run` first, then
# `.venv/bin/python notebooks/receivables_overview.py`, or open this file as a notebook
# (the `# %%` markers are cells in VS Code and Jupytext).
#
# The warehouse is opened read-only: DuckDB lets a reader in only while no process
# writes, so close this before the next `make run`.

# %%
import duckdb

from orchestration.resources import warehouse_path

# DuckDB prints decimals exactly; a pandas frame would turn the amounts into floats.
connection = duckdb.connect(str(warehouse_path()), read_only=True)

# %% [markdown]
# Open items by company, currency and aging bucket, oldest last. Every sum of money in
# this notebook is grouped by currency: pesos and dollars never add up.

# %%
connection.sql(
    """
    select
        company_id,
        currency,
        aging_bucket,
        count(*) as document_count,
        sum(open_amount) as open_amount,
    from fct_open_items
    group by company_id, currency, aging_bucket
    order by
        company_id,
        currency,
        list_position(
            ['current', '1-30', '31-60', '61-90', '91+', 'unapplied_credit'],
            aging_bucket
        )
    """
).show(max_width=120)

# %% [markdown]
# The ten customers with the most past-due balance in each company and currency: a peso
# balance is not ranked against a dollar one.

# %%
connection.sql(
    """
    select company_id, currency, customer_id, customer_name, segment, past_due_amount,
    from dim_customers
    where past_due_amount > 0
    qualify row_number() over (
        partition by company_id, currency order by past_due_amount desc, customer_id
    ) <= 10
    order by company_id, currency, past_due_amount desc, customer_id
    """
).show(max_width=120)

# %% [markdown]
# Payments the rules could not apply, and why.

# %%
connection.sql(
    """
    select company_id, currency, reason_code, count(*) as payment_count,
        sum(unapplied_amount) as unapplied_amount,
    from fct_payment_exceptions
    group by company_id, currency, reason_code
    order by company_id, currency, payment_count desc
    """
).show(max_width=120)

# %%
connection.close()
