"""The ``cyberrx`` command. Domain errors become "error: ..." lines on stderr (one a problem) and exit code 2, here.

The root knows every command by name and one-line help (:data:`COMMANDS`) and imports a command's module
only when that command runs or its own help is asked (click's "LazyGroup" pattern), so ``cyberrx --version``
and ``cyberrx --help`` load no command module, and ``cyberrx fair`` loads only ``cyberrx.cli.fair``.
Each command module owns ``app = typer.Typer(...)`` and never imports this module.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from cyberrx import __version__
from cyberrx.cli import CONTEXT_SETTINGS, plain_help
from cyberrx.errors import CyberRxError

EXIT_BAD_INPUT = 2

#: Every command of ``cyberrx``, in the order ``cyberrx --help`` lists them: name -> (module, one-line help).
#: The module's ``app`` is either the noun's own sub-app (a Typer named like the command: ``claim``) or a
#: Typer holding the command (``fair``, ``quote``). The help is the command's docstring's or sub-app's help,
#: repeated here so that the root's help needs no import (tests/cli checks that they agree).
#: One command per line, so that adding a command is a one-line change.
COMMANDS: dict[str, tuple[str, str]] = {
    "fair": ("cyberrx.cli.fair", "Run an Open FAIR model (pyfair JSON) and print mean, stdev, min, max per node "
                                 "and Risk quantiles."),
    "assess": ("cyberrx.cli.assess", "Estimate a year's cyber-incident cost for a practice, by coverage part, and "
                                     "the program it needs."),
    "quote": ("cyberrx.cli.underwriting", "Quote options for a practice: premium, technical price, decision, "
                                          "reasons and subjectivities."),
    "improve": ("cyberrx.cli.underwriting", "Which security control buys the most: cost, loss and premium "
                                            "reductions, payback, best set for a budget."),
    "estimates": ("cyberrx.cli.underwriting", "What standalone cyber insurance costs a practice, by specialty and "
                                              "size (typical controls)."),
    "serve": ("cyberrx.cli.service", "Serve the REST API (OpenAPI at /docs) with uvicorn; migrates the database "
                                     "first."),
    "claim": ("cyberrx.cli.claim", "Claims: adjudicate a claim on a policy."),
    "breach": ("cyberrx.cli.breach", "HIPAA breach notification: who to notify, by when, and what to do."),
    "report": ("cyberrx.cli.report", "Documents: the practice risk report, the broker's proposal, a certificate of "
                                     "insurance (PDF)."),
    "db": ("cyberrx.cli.service", "The service database."),
    "worker": ("cyberrx.cli.service", "Run the service's background jobs in their own process, memory capped."),
    "admin": ("cyberrx.cli.service", "Accounts, from the command line (the operator)."),
    "audit": ("cyberrx.cli.service", "The audit trail."),
    "demo": ("cyberrx.cli.demo", "The demo world, to try the web application with every role."),
    "oed": ("cyberrx.cli.oed", "OED cyber accounts: import to policy terms, export, apply to losses."),
    "threats": ("cyberrx.cli.threats", "Threats: known exploited vulnerabilities matched to a practice, HC3-form "
                                       "publications, alerts."),
    "portfolio": ("cyberrx.cli.portfolio", "The carrier's book: accumulation through shared vendors, PML, "
                                           "reinsurance."),
}


def load_command(name: str) -> Any:
    """The click command ``name`` of :data:`COMMANDS`, importing its module now."""
    module, _ = COMMANDS[name]
    group = typer.main.get_group(importlib.import_module(module).app)
    return plain_help(group if group.name == name else group.commands[name])


class _LazyCommands(MutableMapping[str, Any]):
    """The root's commands: names from :data:`COMMANDS`, each module imported on first look-up.

    While ``stubs`` is set (the root's own help page) a look-up gives a stand-in carrying the name and the
    one-line help, and imports nothing.
    """

    def __init__(self, loaded: MutableMapping[str, Any]) -> None:
        self.loaded = dict(loaded)
        self.stubs = False

    def __getitem__(self, name: str) -> Any:
        if name in self.loaded:
            return self.loaded[name]
        if name not in COMMANDS:
            raise KeyError(name)
        if self.stubs:
            return TyperCommand(name, help=COMMANDS[name][1])
        command = self.loaded[name] = load_command(name)
        return command

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self.loaded  # without importing (Mapping's would look it up)

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (n for n in self.loaded if n not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS) + sum(n not in COMMANDS for n in self.loaded)


#: typer checks option values with pydantic: its words, said plainly
_PLAIN_WORDS = {"Input should be a valid integer, unable to parse string as an integer": "a whole number is required",
                "Input should be a valid number, unable to parse string as a number": "a number is required"}


class _Group(TyperGroup):
    """Root group: lazy commands; maps every :class:`CyberRxError` to "error: ..." lines on stderr (one a
    problem) and exit code 2."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands(self.commands)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""   # no "<bool>" beside -h, --help
        return option

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # names only: TyperGroup's would look every command up

    def format_help(self, ctx: Any, formatter: Any) -> None:
        commands = self.commands
        assert isinstance(commands, _LazyCommands)
        commands.stubs = True
        try:
            super().format_help(ctx, formatter)
        finally:
            commands.stubs = False

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        """A mistake on the command line (an unknown option, a value of the wrong kind) is written like every
        other error: ``error: ...`` on stderr, then the help command to read; exit code 2."""
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # typer vendors click
        from typer.exceptions import Abort

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False,
                                 windows_expand_args=windows_expand_args, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False,
                              windows_expand_args=windows_expand_args, **extra)
        except NoArgsIsHelpError as exc:  # ``cyberrx`` or ``cyberrx claim`` alone: the help
            if exc.ctx is not None:
                typer.echo(exc.ctx.get_help())
            sys.exit(0)
        except UsageError as exc:
            message = exc.format_message()
            for pydantic_words, plain in _PLAIN_WORDS.items():
                message = message.replace(pydantic_words, plain)
            typer.echo(f"error: {message}", err=True)
            if exc.ctx is not None:
                typer.echo(f"  (see: {exc.ctx.command_path} -h)", err=True)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            typer.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except Abort:
            typer.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CyberRxError as exc:
            for line in str(exc).splitlines():  # every problem on its own line, in one style
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None


app = typer.Typer(
    cls=_Group,
    name="cyberrx",
    help="Cyber risk and cyber insurance for US medical practices.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT_SETTINGS,
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


def main() -> None:
    """The console script: run the command line, then end the process without the collector's last passes.

    ``gc.freeze()`` as the process ends lets the interpreter's final collections skip the objects that exist
    by then (numpy's, pydantic's, the command's): ~40 ms of CPU for ``cyberrx fair``, measured under load.
    Module teardown, ``atexit`` and ``finally`` blocks run as usual.
    """
    try:
        app(prog_name="cyberrx")
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
