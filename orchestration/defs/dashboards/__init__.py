"""The treasury dashboard as an asset downstream of the KPI and aging marts."""
