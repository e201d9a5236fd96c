"""Use cases: the domain's rules applied to the store, shared by routes, jobs and the CLI."""
