"""Writing files with the arrival time as their modification time, and CSV layout."""

import csv
import io
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass
class Inbox:
    """A folder that records every file written into it, by kind."""

    folder: Path
    written: list[tuple[str, str]] = field(default_factory=list)

    def write(self, kind: str, name: str, content: bytes, arrived_at: datetime) -> Path:
        path = self.folder / name
        path.write_bytes(content)
        # The landing step orders and dates files by mtime, so it must be the arrival time.
        os.utime(path, (arrived_at.timestamp(), arrived_at.timestamp()))
        self.written.append((kind, name))
        return path

    def counts_by_kind(self) -> dict[str, int]:
        return dict(sorted(Counter(kind for kind, _ in self.written).items()))


def csv_bytes(header: Sequence[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
