"""Starts one landing run per new inbox file."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.defs.ingest.partitions import inbox_files
from orchestration.jobs import land_file_job
from orchestration.resources import RecaudoPaths


@dataclass(frozen=True)
class InboxFile:
    """What the sensor remembers of one inbox file between ticks."""

    size_bytes: int
    modified_ns: int
    file_id: str


def scan_inbox(inbox: Path, known: dict[str, InboxFile]) -> dict[str, InboxFile]:
    """Every inbox file by its path relative to the inbox, with the SHA-256 of its bytes.

    Hashing reads the whole file, so a file whose size and modification time match what
    `known` holds keeps its known hash instead of being read again on every tick.
    """
    if not inbox.is_dir():
        return {}
    # The landing step reads sub-folders too and skips hidden files; so does this.
    found = {}
    for path in sorted(inbox.rglob("*")):
        name = path.relative_to(inbox).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in name.split("/")):
            continue
        stat = path.stat()
        earlier = known.get(name)
        if earlier and (earlier.size_bytes, earlier.modified_ns) == (
            stat.st_size,
            stat.st_mtime_ns,
        ):
            found[name] = earlier
        else:
            file_id = hashlib.sha256(path.read_bytes()).hexdigest()
            found[name] = InboxFile(stat.st_size, stat.st_mtime_ns, file_id)
    return found


def new_files(known: dict[str, InboxFile], current: dict[str, InboxFile]) -> list[str]:
    """The names that are new, or whose bytes changed, since `known` was taken."""
    return [
        name
        for name, file in current.items()
        if name not in known or known[name].file_id != file.file_id
    ]


def read_cursor(cursor: str | None) -> dict[str, InboxFile]:
    if not cursor:
        return {}
    return {name: InboxFile(*values) for name, values in json.loads(cursor).items()}


def write_cursor(files: dict[str, InboxFile]) -> str:
    return json.dumps(
        {name: [file.size_bytes, file.modified_ns, file.file_id] for name, file in files.items()},
        sort_keys=True,
    )


@dg.sensor(
    job=land_file_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Lands each new inbox file in a run of its own, one partition per file.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, recaudo: RecaudoPaths):
    """Adds an `inbox_files` partition for every new inbox file and requests one
    `land_file_job` run for it; dbt does not run here, it rebuilds on the daily schedule or
    with `main_job` (`make run`).

    The run key carries the file's content hash, so the same name delivered again with other
    bytes is landed again, while the same bytes are never requested twice.
    """
    inbox = recaudo.paths.inbox
    known = read_cursor(context.cursor)
    current = scan_inbox(inbox, known)
    arrived = new_files(known, current)
    if not arrived:
        return dg.SkipReason(f"no new files in the inbox {inbox}")

    # Added here rather than through the result, so the keys exist when the run requests are
    # checked against them; a key that already exists (a file delivered again) is kept as is.
    context.instance.add_dynamic_partitions(inbox_files.name, arrived)
    context.log.info(f"requesting {len(arrived)} landing runs for new inbox files")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=f"{name}@{current[name].file_id}", partition_key=name)
            for name in arrived
        ],
        cursor=write_cursor(current),
    )
