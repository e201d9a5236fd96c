"""Use cases of the charter function."""
