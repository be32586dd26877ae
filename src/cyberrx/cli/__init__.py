"""Command-line interface: thin commands that parse, call one service and render.

Each command module owns ``app = typer.Typer(...)``; :mod:`cyberrx.cli.main` composes them lazily.
"""

from typing import Any

#: click context settings for the root and every sub-app: ``-h`` as well as ``--help``
CONTEXT_SETTINGS: dict[str, list[str]] = {"help_option_names": ["-h", "--help"]}

#: what an option's value looks like in the help, where its type alone would say less (``<int>``, ``<text>``)
_METAVARS = {"--as-of": "YYYY-MM-DD", "--effective": "YYYY-MM-DD", "--limits": "AMOUNTS", "--retentions": "AMOUNTS",
             "--budget": "AMOUNT", "--terms-out": "FOLDER", "--examples": "FOLDER", "--specialty": "SPECIALTY",
             "--anchor": "SEQ:HASH"}
_BY_TYPE = {"int": "N", "float": "NUMBER", "str": "TEXT"}


def plain_help(command: Any) -> Any:
    """``command`` (and its sub-commands) with help that shows no Python types: ``PROFILE...`` and ``FILE``, ``N``,
    ``YYYY-MM-DD`` rather than ``<list[Path]>``, ``<int>``, ``<text>``; flags show no type at all."""
    for param in command.params:
        if param.param_type_name == "argument":
            if param.metavar is None:  # the usage line adds "..." where several may be given
                name = param.name.upper()
                param.metavar = name[:-1] if param.nargs != 1 and name.endswith("S") else name
            param.display_type_rich = lambda ctx: None
        elif param.metavar is None:
            desc = param.type_descriptor
            bare = param.bare_type()
            long = next((o for o in param.opts if o.startswith("--")), "")
            if getattr(param, "is_flag", False) or bare == "bool":
                param.metavar = ""
            elif desc.is_choice:
                param.metavar = "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
            elif long in _METAVARS:
                param.metavar = _METAVARS[long]
            else:
                param.metavar = "FILE" if desc.is_path else _BY_TYPE.get(bare, "VALUE")
    command.get_help_option = _flag_help(command.get_help_option)
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
    return command


def _flag_help(get_help_option: Any) -> Any:
    """``-h, --help`` with no type beside it."""
    def get(ctx: Any) -> Any:
        option = get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option
    return get
