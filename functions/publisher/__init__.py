"""The publisher function: builds the public site and publishes it to S3 on a schedule.

It is a stage of its own because the site build needs MkDocs and its theme,
which the API functions' packages leave out to stay small.
"""
