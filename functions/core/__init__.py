"""Code shared by every function: identifiers, money, clock, settings, errors, store."""
