"""The inbox sensor and the per-file asset: one run, and one partition, per new inbox file."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from ingest.config import Paths
from orchestration.resources import RecaudoPaths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "valid"
CAMT = "camt053_v02_andina_20260514.xml"
ASOBANCARIA = "asobancaria_20098765432_20260514.txt"


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs

    return defs


@pytest.fixture
def inbox(tmp_path):
    """An inbox with a statement at its top and a collection file in a sub-folder."""
    folder = tmp_path / "inbox"
    (folder / "bancos").mkdir(parents=True)
    shutil.copyfile(FIXTURES / CAMT, folder / CAMT)
    shutil.copyfile(FIXTURES / ASOBANCARIA, folder / "bancos" / ASOBANCARIA)
    return folder


def tick(defs, instance, data_dir, cursor=None):
    sensor = defs.resolve_sensor_def("inbox_sensor")
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        definitions=defs,
        resources={"recaudo": RecaudoPaths(data_dir=str(data_dir))},
    )
    # The daemon threads its instance through to validate dynamic partition keys; a test
    # evaluating the sensor directly has to do the same.
    with dg.partition_loading_context(dynamic_partitions_store=instance):
        return sensor.evaluate_tick(context)


def test_the_sensor_adds_one_partition_and_requests_one_run_per_new_file(defs, inbox, tmp_path):
    instance = dg.DagsterInstance.ephemeral()

    result = tick(defs, instance, tmp_path)

    assert sorted(instance.get_dynamic_partitions("inbox_files")) == [
        f"bancos/{ASOBANCARIA}",
        CAMT,
    ]
    keys = sorted(request.partition_key for request in result.run_requests)
    assert keys == [f"bancos/{ASOBANCARIA}", CAMT]
    assert {request.job_name for request in result.run_requests} <= {None, "land_file_job"}
    run_keys = [request.run_key for request in result.run_requests]
    assert len(set(run_keys)) == 2
    assert all(
        key.startswith(f"{request.partition_key}@")
        for key, request in zip(run_keys, result.run_requests, strict=True)
    )


def test_a_second_tick_over_the_same_inbox_requests_nothing(defs, inbox, tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    first = tick(defs, instance, tmp_path)

    second = tick(defs, instance, tmp_path, cursor=first.cursor)

    assert second.run_requests == []
    assert len(instance.get_dynamic_partitions("inbox_files")) == 2
    assert "no new files" in second.skip_message


def test_a_file_rewritten_with_other_bytes_is_requested_again_under_a_new_run_key(
    defs, inbox, tmp_path
):
    instance = dg.DagsterInstance.ephemeral()
    first = tick(defs, instance, tmp_path)
    (inbox / CAMT).write_bytes((FIXTURES / CAMT).read_bytes() + b"\n")

    second = tick(defs, instance, tmp_path, cursor=first.cursor)

    [request] = second.run_requests
    assert request.partition_key == CAMT
    earlier = next(r.run_key for r in first.run_requests if r.partition_key == CAMT)
    assert request.run_key != earlier


def test_materialising_one_partition_lands_that_file_only(defs, inbox, tmp_path):
    from orchestration.defs.ingest.assets import inbox_file

    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("inbox_files", [CAMT, f"bancos/{ASOBANCARIA}"])
    paths = Paths(tmp_path)

    result = dg.materialize(
        [inbox_file],
        instance=instance,
        partition_key=CAMT,
        resources={"recaudo": RecaudoPaths(data_dir=str(tmp_path))},
    )

    [materialization] = result.asset_materializations_for_node("inbox_file")
    assert materialization.partition == CAMT
    assert materialization.metadata["outcome"].value == "loaded"
    assert materialization.metadata["rows"].value > 0
    camt_id = materialization.metadata["file_id"].value
    assert (paths.kind_dir("bank_lines") / f"{camt_id}.parquet").exists()
    landed = {path.name for path in paths.kind_dir("collection_lines").glob("[!_]*.parquet")}
    assert landed == set()
    receipts = [path.name for path in paths.kind_dir("file_receipts").glob("[!_]*.parquet")]
    assert receipts == [f"{camt_id}__{CAMT}.parquet"]
