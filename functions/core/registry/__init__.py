"""Readers of the official registry's open-data files: INSEE's SIRENE stock files and DILA's BODACC export.

Each reader turns the file's records, read by their column names, into the
data the store keeps; streaming (``files.py``) and resuming are the importer's
(``functions/core/usecases/registry_import.py``).
"""
