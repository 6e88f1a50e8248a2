"""Inbox files into the raw Parquet layer, and the business-day calendar beside them."""
