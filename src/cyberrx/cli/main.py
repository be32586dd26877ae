"""The ``cyberrx`` command. Domain errors become one clear line on stderr and exit code 2, here only."""

from __future__ import annotations

import sys
from typing import Any

import click
import typer
from typer.core import TyperGroup

from cyberrx import __version__
from cyberrx.errors import CyberRxError

EXIT_BAD_INPUT = 2


class _Group(TyperGroup):
    """Root group: maps every :class:`CyberRxError` to one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CyberRxError as exc:
            click.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None


app = typer.Typer(
    cls=_Group,
    name="cyberrx",
    help="Cyber risk and cyber insurance for US medical practices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cyberrx {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Cyber risk and cyber insurance for US medical practices."""


def _register() -> None:
    # one line per command module; each module adds its commands or sub-app to ``app``
    # --- command modules (keep one import per line) ---
    from cyberrx.cli import fair  # noqa: F401
    from cyberrx.cli import assess  # noqa: F401
    from cyberrx.cli import claim  # noqa: F401
    from cyberrx.cli import breach  # noqa: F401
    from cyberrx.cli import underwriting  # noqa: F401
    from cyberrx.cli import service  # noqa: F401
    # --- end command modules ---


_register()


def main() -> None:
    app(prog_name="cyberrx")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
