"""Amicable recovery run by Ardoise: cases, scenarios, the channels that carry their steps, the tick's step."""
