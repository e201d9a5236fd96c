"""Ardoise: a collaborative bad-payer directory and a supplier payment charter."""
