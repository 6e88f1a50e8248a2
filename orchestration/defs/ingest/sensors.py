"""Starts the main job when files arrive in the inbox."""

import hashlib
from pathlib import Path

import dagster as dg

from orchestration.jobs import main_job
from orchestration.resources import RecaudoPaths


def inbox_fingerprint(inbox: Path) -> str | None:
    """A digest of the inbox's file names, sizes and modification times; None when empty.

    A file rewritten under the same name changes its size or mtime, so it counts as new.
    """
    if not inbox.is_dir():
        return None
    # The landing step reads sub-folders too and skips hidden files; so does this.
    files = sorted(
        path
        for path in inbox.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(inbox).parts)
    )
    if not files:
        return None

    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        name = path.relative_to(inbox).as_posix()
        digest.update(f"{name}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    job=main_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs the main job when the set of files in the inbox changes.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, recaudo: RecaudoPaths):
    fingerprint = inbox_fingerprint(recaudo.paths.inbox)
    if fingerprint is None:
        return dg.SkipReason(f"the inbox {recaudo.paths.inbox} holds no files")
    if fingerprint == context.cursor:
        return dg.SkipReason("no new files since the last run request")

    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=f"inbox-{fingerprint[:16]}")
