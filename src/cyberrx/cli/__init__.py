"""Command-line interface: thin commands that parse, call one service and render.

Each command module owns ``app = typer.Typer(...)``; :mod:`cyberrx.cli.main` composes them lazily.
"""

#: click context settings for the root and every sub-app: ``-h`` as well as ``--help``
CONTEXT_SETTINGS: dict[str, list[str]] = {"help_option_names": ["-h", "--help"]}
