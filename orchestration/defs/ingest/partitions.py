"""One dynamic partition per inbox file, keyed by its path relative to the inbox."""

import dagster as dg

# Keys are added by the inbox sensor as files arrive; a key is never reused for another file.
inbox_files = dg.DynamicPartitionsDefinition(name="inbox_files")
