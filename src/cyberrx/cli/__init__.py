"""Command-line interface: thin commands that parse, call one service and render."""
