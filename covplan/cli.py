"""The ``covplan`` command.

Each room registers its own subcommands (``covplan.<room>._cli.register``); this
module only builds the parser and dispatches. Library modules never import it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from covplan import __version__
from covplan._errors import CovplanError, InputError
from covplan.vocab import LANGS
from covplan.vocab.messages import MESSAGES, current_lang, message, os_error_text, use_lang

REGISTRARS: list[str] = [
    # "covplan.<room>._cli" modules, each with register(subparsers) -> None
    "covplan.survey._cli",
    "covplan._plan_cli",
    "covplan.check._cli",
    "covplan.campaign._cli",
    "covplan.watch._cli",
    "covplan.batch._cli",
]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong, and where to look."""

    def error(self, message: str) -> NoReturn:
        """Print one line naming the bad flag and exit with status 2."""
        self.exit(
            2, _message("cli.bad_flag", prog=self.prog, message=_argparse_words(message)) + "\n"
        )


#: argparse's sentences (its English wording) and their vocabulary keys.
_ARGPARSE = (
    (re.compile(r"^argument (?P<what>\S+?): (?P<why>.*)$", re.S), "argparse.argument"),
    (
        re.compile(r"^the following arguments are required: (?P<what>.*)$", re.S),
        "argparse.required",
    ),
    (re.compile(r"^unrecognized arguments: (?P<what>.*)$", re.S), "argparse.unrecognized"),
    (
        re.compile(r"^invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)$", re.S),
        "argparse.choice",
    ),
    (re.compile(r"^invalid (?P<type>\w+) value: (?P<value>.*)$", re.S), "argparse.type"),
    (re.compile(r"^expected one argument$"), "argparse.one"),
    (re.compile(r"^expected at least one argument$"), "argparse.at_least_one"),
    (re.compile(r"^not allowed with argument (?P<what>.*)$", re.S), "argparse.not_with"),
    (re.compile(r"^one of the arguments (?P<what>.*) is required$", re.S), "argparse.one_of"),
    (
        re.compile(r"^ambiguous option: (?P<what>\S+) could match (?P<matches>.*)$", re.S),
        "argparse.ambiguous",
    ),
)


def _argparse_words(text: str) -> str:
    """Return an argparse error in the language in use (its English when no rule fits)."""
    for pattern, key in _ARGPARSE:
        m = pattern.match(text)
        if m is None:
            continue
        parts = m.groupdict()
        if "why" in parts:
            parts["why"] = _argparse_words(parts["why"])
        if "type" in parts and f"argparse.type.{parts['type']}" in MESSAGES:
            parts["type"] = _message(f"argparse.type.{parts['type']}")
        return _message(key, **parts)
    return text


def build_parser() -> argparse.ArgumentParser:
    """Build the ``covplan`` argument parser with every subcommand.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each subcommand sets ``func`` to the function that runs it.
    """
    parser = _Parser(
        prog="covplan",
        description=_message("cli.description"),
    )
    parser.add_argument("--version", action="version", version=f"covplan {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each stage")
    parser.add_argument(
        "--lang", choices=LANGS, default=_default_lang(), help=_message("cli.lang_help")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in REGISTRARS:
        importlib.import_module(name).register(sub)
    _lang_everywhere(parser)
    return parser


def _message(key: str, **fmt: object) -> str:
    """Return a message in the language in use (the command's ``--lang``)."""
    return message(key, None, **fmt)


def _default_lang() -> str:
    """Return the language in use (``settings.lang`` unless a caller chose one)."""
    return current_lang()


def _lang_everywhere(parser: argparse.ArgumentParser) -> None:
    """Give every subcommand (at any depth) a ``--lang`` that defers to the global one.

    A subcommand's own ``--lang`` keeps its place in ``--help`` but no default of its own,
    so ``covplan --lang en survey check F`` and ``covplan survey check F --lang en`` agree
    and an unset flag keeps the global default (``settings.lang``).
    """
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for pseudo in action._choices_actions:  # the one-line help `covplan --help` lists
            key = "help." + ".".join([*parser.prog.split()[1:], pseudo.dest])
            if key in MESSAGES:
                pseudo.help = _message(key)
        for child in dict.fromkeys(action.choices.values()):
            own = [a for a in child._actions if "--lang" in a.option_strings]
            if own:
                for a in own:
                    a.default = argparse.SUPPRESS
                    a.choices = LANGS
                    a.help = a.help or _message("cli.lang_help")
            else:
                child.add_argument(
                    "--lang",
                    choices=LANGS,
                    default=argparse.SUPPRESS,
                    help=_message("cli.lang_help"),
                )
            _lang_everywhere(child)


def _argv_lang(argv: Sequence[str]) -> str | None:
    """Return the ``--lang`` asked on the command line, read before parsing."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGS:
            return arg[7:]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``covplan`` command.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        The exit status: 0 on success, 1 when a check finds problems, 2 on bad input,
        130 when interrupted.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)  # loaded: Ctrl-C is ours now
    args = list(sys.argv[1:] if argv is None else argv)
    with use_lang(_argv_lang(args)):
        try:
            return _run(args)
        except KeyboardInterrupt:
            # a plan folder switches in one rename (covplan.plan.write): an interrupted run
            # leaves the previous plan whole, and the next run sweeps what it left
            print(_message("cli.interrupted"), file=sys.stderr)
            return 130


def _run(argv: Sequence[str] | None) -> int:
    """Parse ``argv`` and run the subcommand; input and environment faults are one line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    with use_lang(args.lang):
        try:
            return int(args.func(args) or 0)
        except CovplanError as err:
            name = type(err).__name__
            text = _error_text(err)
            print(_message("cli.error", kind=_kind(err), name=name, error=text), file=sys.stderr)
            return 2
        except OSError as err:  # a file that cannot be read or written, a full disk, a lock
            where = f" {err.filename}" if getattr(err, "filename", None) else ""
            print(_message("cli.cannot_use", where=where, why=os_error_text(err)), file=sys.stderr)
            return 2
        except MemoryError:
            print(_message("cli.out_of_memory"), file=sys.stderr)
            return 2


def _error_text(err: CovplanError) -> str:
    """Return an error's text with its row and column named in the language in use."""
    if isinstance(err, InputError):
        return err.render(
            _message("survey.row", row="{row}"), _message("survey.column", column="{column}")
        )
    return str(err)


def _kind(err: CovplanError) -> str:
    """Name the error for the user: bad input, a camera, the solver."""
    key = {
        "InputError": "input",
        "CRSError": "input",
        "InfeasibleCoverError": "cover",
        "CaptureError": "camera",
        "SolverError": "solver",
    }.get(type(err).__name__, "error")
    return _message(f"cli.kind.{key}")


if __name__ == "__main__":
    sys.exit(main())
