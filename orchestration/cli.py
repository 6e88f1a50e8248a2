"""`recaudo run` and `recaudo summary`: what `make run` calls."""

import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ingest.config import PROJECT_ROOT
from orchestration.warehouse_lock import WarehouseBusyError, ensure_warehouse_writable

app = typer.Typer(help="recaudo: from the invoice and the bank file to the journal entry.")


def ensure_dagster_home() -> Path:
    """Runs are recorded in a real instance, so `make dev` shows them in the UI afterwards."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    return home


@app.command()
def run(
    evaluation_date: Annotated[
        str | None,
        typer.Option(help="Day whose reminders are written (YYYY-MM-DD); default: the as-of."),
    ] = None,
) -> None:
    """Land the inbox, build the warehouse, write due reminders and the dashboard."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from orchestration.resources import RecaudoPaths
    from orchestration.summary import dbt_log_path

    # A reader left open would stop dbt hundreds of log lines into the run; say so now.
    recaudo = RecaudoPaths()
    try:
        ensure_warehouse_writable(recaudo.warehouse_path)
    except WarehouseBusyError as error:
        typer.echo(f"recaudo run: {error}", err=True)
        raise typer.Exit(code=1) from error
    ensure_dagster_home()

    # Imported here: loading the definitions reads the dbt manifest.
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.reminders.assets import ReminderOutboxConfig

    run_config = dg.RunConfig(
        ops={"reminder_outbox": ReminderOutboxConfig(evaluation_date=evaluation_date)},
        loggers={"console": {"config": {"log_level": "INFO"}}},
    )
    # dbt's own per-node lines go to a file: the console keeps one line per phase.
    dbt_log = dbt_log_path(recaudo.paths)
    dbt_log.parent.mkdir(parents=True, exist_ok=True)
    with (
        dg.DagsterInstance.get() as instance,
        open(dbt_log, "w", encoding="utf-8") as dbt_output,
        contextlib.redirect_stdout(dbt_output),
    ):
        result = defs.resolve_job_def("main_job").execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False
        )
    typer.echo(f"dbt build log: {dbt_log}")
    if not result.success:
        failed = [event.step_key for event in result.get_step_failure_events()]
        typer.echo(f"main_job failed in steps {failed}; see the log above", err=True)
        raise typer.Exit(code=1)


@app.command()
def summary() -> None:
    """Print the last run's landing outcome, then the warehouse it left (read-only)."""
    ensure_dagster_home()
    import dagster as dg

    from orchestration.resources import RecaudoPaths
    from orchestration.summary import collect_summary, last_landing, render_summary

    with dg.DagsterInstance.get() as instance:
        landing = last_landing(instance)
    recaudo = RecaudoPaths()
    run_summary = collect_summary(recaudo.warehouse_path, recaudo.paths, landing)
    render_summary(run_summary, recaudo.warehouse_path, recaudo.paths, Console(width=120))


if __name__ == "__main__":
    app()
