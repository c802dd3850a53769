"""The ``covplan`` command.

Each room registers its own subcommands (``covplan.<room>._cli.register``); this
module only builds the parser and dispatches. Library modules never import it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from covplan import __version__
from covplan._errors import CovplanError

REGISTRARS: list[str] = [
    # "covplan.<room>._cli" modules, each with register(subparsers) -> None
    "covplan.survey._cli",
    "covplan._plan_cli",
    "covplan.check._cli",
    "covplan.campaign._cli",
    "covplan.batch._cli",
]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong, and where to look."""

    def error(self, message: str) -> NoReturn:
        """Print one line naming the bad flag and exit with status 2."""
        self.exit(2, f"{self.prog}: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the ``covplan`` argument parser with every subcommand.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each subcommand sets ``func`` to the function that runs it.
    """
    parser = _Parser(
        prog="covplan",
        description=(
            "Plan a neighbourhood security-camera network for a Vietnamese ward: "
            "routes from OpenStreetMap, the survey of existing cameras, the fewest "
            "new cameras that see every route, exports, and live picture checks."
        ),
    )
    parser.add_argument("--version", action="version", version=f"covplan {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each stage")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in REGISTRARS:
        importlib.import_module(name).register(sub)
    return parser


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
    try:
        return _run(argv)
    except KeyboardInterrupt:
        # a plan folder switches in one rename (covplan.plan.write): an interrupted run
        # leaves the previous plan whole, and the next run sweeps what it left
        print("covplan: interrupted; files already written are unchanged", file=sys.stderr)
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
    try:
        return int(args.func(args) or 0)
    except CovplanError as err:
        print(f"covplan: {_kind(err)} ({type(err).__name__}): {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a file that cannot be read or written, a full disk, a lock
        where = f" {err.filename}" if getattr(err, "filename", None) else ""
        print(f"covplan: cannot use{where}: {err.strerror or err}", file=sys.stderr)
        return 2
    except MemoryError:
        print("covplan: out of memory; plan a smaller area or free memory", file=sys.stderr)
        return 2


def _kind(err: CovplanError) -> str:
    """Name the error for the user: bad input, a camera, the solver."""
    return {
        "InputError": "bad input",
        "CRSError": "bad input",
        "InfeasibleCoverError": "cannot cover",
        "CaptureError": "camera",
        "SolverError": "solver",
    }.get(type(err).__name__, "error")


if __name__ == "__main__":
    sys.exit(main())
