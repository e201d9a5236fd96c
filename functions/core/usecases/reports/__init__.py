"""Use cases of the reports function."""
