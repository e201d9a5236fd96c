"""The einvoice function: reads an e-invoice cited by a report (Factur-X, CII, UBL) in a Lambda of its own.

A stage of its own because Akretion's factur-x brings lxml, pypdf and the
official XSDs: over the API stages' 10 MiB archive and their cold-start
budget. The directory invokes it (``functions/core/einvoices/remote.py``)
only when a cited invoice is an e-invoice; locally the same reading runs in
process.
"""
