"""The pure domain: rules, state machines and scoring. No Flask, no boto3, no I/O."""
