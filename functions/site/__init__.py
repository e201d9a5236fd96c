"""The public site: generator (MkDocs for hand-written pages, Jinja2 for the rest), search index, publisher."""
