"""The CLI commands, one module per family; ``bot/cli.py`` parses and dispatches."""
