"""File parsers and the landing step that turns inbox files into the raw Parquet layer."""
