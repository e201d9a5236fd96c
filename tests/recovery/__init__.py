"""Amicable recovery: cases, scenarios, the engine, the channels, the tick."""
