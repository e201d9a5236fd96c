"""Publishing the built site: one algorithm (``common.py``), two targets (a folder, an S3 bucket)."""
