"""The ``heartscore`` command: a thin shell around library functions.

``main(argv)`` parses arguments, calls one library function per subcommand, prints what it
returned and gives an exit code: 0 ok; 2 a usage or input error (bad flag, unreadable or
refused input, output that is the input, output locked by another run); 1 any other failure
(a model that cannot be loaded, an unexpected error, reported in one line; set
``HEARTSCORE_DEBUG=1`` for the traceback); 130 interrupted; 141 standard output closed early
(``| head``). Library code never prints or exits.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .cli_commands import COMMANDS
from .cli_parser import build_parser
from .errors import HeartscoreError, InputError, SchemaError

__all__ = ["main"]

_parser = build_parser  # the name tests and docs tooling knew


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help/--version/usage errors
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except (InputError, SchemaError) as exc:
        _error(str(exc))
        return 2
    except HeartscoreError as exc:
        _error(str(exc))
        return 1
    except KeyboardInterrupt:
        print("heartscore: interrupted; no output was written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (`| head -1`): stop quietly
        _silence_stdout()
        return 141
    except Exception as exc:
        if os.environ.get("HEARTSCORE_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc}; no output was written. This is a bug:"
               " please report it with the command you ran (HEARTSCORE_DEBUG=1 shows the "
               "traceback)")
        return 1


def _error(message: str) -> None:
    """Print an error on one line (a message from a library may hold line breaks)."""
    print(f"heartscore: error: {' '.join(message.split())}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        if sys.stdout is sys.__stdout__ and sys.stdout is not None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
