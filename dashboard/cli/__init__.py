"""The command line (`python -m dashboard`): one module per command group."""
