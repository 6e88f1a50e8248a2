import dagster as dg
import pytest

from orchestration.resources import RecaudoPaths

LANDED_FILES = dg.AssetKey("landed_files")
BUSINESS_CALENDAR = dg.AssetKey("business_calendar")

# Staging models over tables that parsers write, one per source system.
PARSER_FED_STAGING_MODELS = [
    "stg_billing__customers",
    "stg_billing__invoices",
    "stg_bank__bank_lines",
    "stg_bank__bank_statements",
    "stg_collections__collection_lines",
    "stg_gateway__gateway_transactions",
    "stg_gateway__gateway_payouts",
    "stg_collections_desk__payment_promises",
    "stg_collections_desk__payment_agreements",
    "stg_platform__file_receipts",
]


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def asset_graph(defs):
    return defs.resolve_asset_graph()


def ancestors(asset_graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    found: set[dg.AssetKey] = set()
    frontier = [key]
    while frontier:
        for parent in asset_graph.get(frontier.pop()).parent_keys:
            if parent not in found:
                found.add(parent)
                frontier.append(parent)
    return found


def test_the_code_location_module_holds_exactly_one_definitions_object(defs):
    import orchestration.definitions as module

    # `dagster dev -m orchestration.definitions` refuses a module with two of them.
    found = [value for value in vars(module).values() if isinstance(value, dg.Definitions)]
    assert found == [defs]


def test_the_definitions_load_with_the_python_assets_and_the_dbt_models(defs, asset_graph):
    dg.Definitions.validate_loadable(defs)

    keys = asset_graph.get_all_asset_keys()
    expected = {
        "landed_files",
        "inbox_file",
        "business_calendar",
        "stg_billing__invoices",
        "int_payments",
        "fct_reminder_schedule",
        "fct_open_items",
        "kpi_daily",
        "reminder_outbox",
        "treasury_dashboard",
    }
    assert {dg.AssetKey(name) for name in expected} <= keys


@pytest.mark.parametrize("model_name", PARSER_FED_STAGING_MODELS)
def test_each_staging_model_over_parsed_files_is_downstream_of_landed_files(
    asset_graph, model_name
):
    assert LANDED_FILES in asset_graph.get(dg.AssetKey(model_name)).parent_keys


def test_the_calendar_staging_model_is_fed_by_the_business_calendar_asset(asset_graph):
    parents = asset_graph.get(dg.AssetKey("stg_platform__calendar")).parent_keys
    assert parents == {BUSINESS_CALENDAR}


def test_the_reminder_outbox_reads_the_schedule_only_after_dbt_built_it(asset_graph):
    parents = asset_graph.get(dg.AssetKey("reminder_outbox")).parent_keys
    assert parents == {
        dg.AssetKey("fct_reminder_schedule"),
        dg.AssetKey("int_documents"),
        dg.AssetKey("dim_dates"),
    }
    assert LANDED_FILES in ancestors(asset_graph, dg.AssetKey("reminder_outbox"))


def test_the_dashboard_is_downstream_of_the_kpi_and_aging_marts(asset_graph):
    parents = asset_graph.get(dg.AssetKey("treasury_dashboard")).parent_keys
    assert parents == {dg.AssetKey("kpi_daily"), dg.AssetKey("fct_open_items")}
    assert BUSINESS_CALENDAR in ancestors(asset_graph, dg.AssetKey("treasury_dashboard"))


def test_the_main_job_materialises_every_asset_but_the_per_file_one_step_at_a_time(
    defs, asset_graph
):
    job = defs.resolve_job_def("main_job")

    assert job.executor_def.name == "in_process"
    assert set(job.asset_layer.selected_asset_keys) == (
        set(asset_graph.materializable_asset_keys) - {dg.AssetKey("inbox_file")}
    )
    assert job.partitions_def is None


def test_the_land_file_job_lands_one_inbox_file_partition(defs, asset_graph):
    job = defs.resolve_job_def("land_file_job")

    assert set(job.asset_layer.selected_asset_keys) == {dg.AssetKey("inbox_file")}
    assert job.partitions_def == dg.DynamicPartitionsDefinition(name="inbox_files")
    assert asset_graph.get(dg.AssetKey("inbox_file")).group_name == "ingest"


def test_the_daily_schedule_starts_the_main_job_at_six_in_bogota(defs):
    schedule = defs.resolve_schedule_def("daily_refresh_schedule")

    assert schedule.job_name == "main_job"
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "America/Bogota"


def test_the_reminders_sensor_skips_while_the_warehouse_cannot_be_opened(defs, tmp_path):
    sensor = defs.resolve_sensor_def("reminders_sensor")
    resources = {
        "recaudo": RecaudoPaths(
            data_dir=str(tmp_path), warehouse=str(tmp_path / "not_built_yet.duckdb")
        )
    }

    context = dg.build_sensor_context(resources=resources, instance=dg.DagsterInstance.ephemeral())

    result = sensor.evaluate_tick(context)

    assert result.run_requests == []
    assert "cannot be read" in result.skip_message


def test_the_reminders_sensor_requests_one_run_for_the_unsent_reminders_of_the_day(
    defs, schedule_warehouse, tmp_path
):
    sensor = defs.resolve_sensor_def("reminders_sensor")
    resources = {"recaudo": RecaudoPaths(data_dir=str(tmp_path), warehouse=str(schedule_warehouse))}

    context = dg.build_sensor_context(resources=resources, instance=dg.DagsterInstance.ephemeral())

    result = sensor.evaluate_tick(context)

    [run_request] = result.run_requests
    assert run_request.run_config["ops"]["reminder_outbox"]["config"] == {
        "evaluation_date": "2025-03-20"
    }


def test_the_reminders_sensor_stays_out_of_the_warehouse_while_a_run_is_in_progress(
    defs, schedule_warehouse, tmp_path
):
    sensor = defs.resolve_sensor_def("reminders_sensor")
    resources = {"recaudo": RecaudoPaths(data_dir=str(tmp_path), warehouse=str(schedule_warehouse))}
    instance = dg.DagsterInstance.ephemeral()
    instance.create_run_for_job(
        defs.resolve_job_def("main_job"), status=dg.DagsterRunStatus.STARTED
    )

    result = sensor.evaluate_tick(dg.build_sensor_context(resources=resources, instance=instance))

    assert result.run_requests == []
    assert "in progress" in result.skip_message


def test_the_reminder_outbox_asset_writes_the_due_reminders_once(
    defs, schedule_warehouse, tmp_path
):
    from orchestration.defs.reminders.assets import reminder_outbox

    resources = {"recaudo": RecaudoPaths(data_dir=str(tmp_path), warehouse=str(schedule_warehouse))}

    first = dg.materialize([reminder_outbox], resources=resources)
    second = dg.materialize([reminder_outbox], resources=resources)

    def written(result):
        [materialization] = result.asset_materializations_for_node("reminder_outbox")
        return materialization.metadata["written"].value

    assert [written(first), written(second)] == [1, 0]
    assert [path.name for path in (tmp_path / "outbox").iterdir()] == ["r1.eml"]
