"""Deterministic demo data: two companies' inbox files and the answer key that grades them.

`demo.generate.generate` builds a simulated half-year of invoicing and collection, writes the
files a real deployment would receive (customer masters, invoices, bank statements, recaudo
files, gateway reports, promises and agreements) and, beside them, the truth about which
payment settled which document. The pipeline never reads the answer key.
"""
