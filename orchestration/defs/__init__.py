"""One folder per domain; each exposes a `defs` object that `definitions.py` merges."""
