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
# Open items by company and aging bucket, oldest last.

# %%
connection.sql(
    """
    select
        company_id,
        aging_bucket,
        count(*) as document_count,
        sum(open_amount) as open_amount,
        any_value(currency) as currency,
    from fct_open_items
    group by all
    order by company_id, min(days_past_due)
    """
).show(max_width=120)

# %% [markdown]
# The ten customers with the most past-due balance.

# %%
connection.sql(
    """
    select company_id, customer_id, customer_name, segment, past_due_amount, currency,
    from dim_customers
    where past_due_amount > 0
    order by past_due_amount desc
    limit 10
    """
).show(max_width=120)

# %% [markdown]
# Payments the rules could not apply, and why.

# %%
connection.sql(
    """
    select company_id, reason_code, count(*) as payment_count,
        sum(unapplied_amount) as unapplied_amount,
    from fct_payment_exceptions
    group by all
    order by company_id, payment_count desc
    """
).show(max_width=120)

# %%
connection.close()
