"""The reports function: solvency summaries for subscribers, batches and watchlists."""
