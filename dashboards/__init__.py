"""Builds the treasury dashboard, a self-contained HTML file, from the KPI and aging marts."""
