"""The `studio-comm` command: the composition root.

`studio-comm [OPTIONS]` starts the GUI (studio_comm.app); `studio-comm COMMAND ...` runs one
of `COMMANDS`, whose module parses its own arguments. Everything here runs before Qt is
imported: `--help` works on a server without a screen, and a mistyped option or command is
an error with a hint (exit status 2) instead of a window. Qt's own options (`-platform
offscreen`, `-style Fusion`, `-reverse`, ...) are set apart and handed to QApplication.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from studio_comm import __version__

PROG = "studio-comm"

# Each command's module has `main(argv) -> int`. A command is listed and runs once its module
# is part of the installation (the ones of a feature still under way are simply absent).
COMMANDS: dict[str, tuple[str, str]] = {
    "sandbox": ("studio_comm.sandbox.server", "a local Magicline-compatible server with demo data"),
    "relay": ("studio_comm.relay.server", "receive Magicline webhooks into the shared journal"),
    "campaign": ("studio_comm.campaign", "send a consent-gated campaign, or report on one"),
}
UNLISTED_COMMANDS = {"keyring-selftest": "studio_comm.selftest"}  # for IT and the packaging tests

# Qt's own options (qt6options(7)), as QApplication reads them: with one dash or two.
QT_OPTIONS_WITH_VALUE = ("platform", "platformpluginpath", "platformtheme", "plugin", "style", "stylesheet",
                         "session", "qwindowgeometry", "qwindowicon", "qwindowtitle", "display", "geometry")
QT_FLAGS = ("reverse", "widgetcount")
QT_OPTIONS_AFTER_EQUALS = ("qmljsdebugger", "dialogs", "fontengine")  # only as -name=value

MAX_WORKSTATION = 200  # the journal's column


def _workstation(value: str) -> str:
    name = value.strip()
    if not name or len(name) > MAX_WORKSTATION:
        raise argparse.ArgumentTypeError(f"a name of 1 to {MAX_WORKSTATION} characters, not {value!r}")
    return name


GUI_OPTIONS: list[tuple[str, dict]] = [
    ("--demo", dict(action="store_true", help="use the built-in demo studio (no account needed)")),
    ("--profile", dict(metavar="NAME", help="studio profile to connect to")),
    ("--base-url", dict(metavar="URL", help="the studio's API address (with --profile)")),
    ("--data-dir", dict(metavar="DIR", type=Path, help="journal, logs and settings of this run")),
    ("--journal", dict(metavar="URL", help="shared journal, e.g. postgresql+psycopg://host/db")),
    ("--staff", dict(metavar="NAME", help="staff member at the desk")),
    ("--workstation", dict(metavar="NAME", type=_workstation,
                           help="this desk's name in the journal (default: the computer's name)")),
]


class _QtOption(argparse.Action):
    """Collects a Qt option, as given, into `qt_args` (in order) for QApplication."""

    def __call__(self, parser, namespace, values, option_string=None):
        value = [values] if isinstance(values, str) else []  # a flag (nargs=0) has none
        namespace.qt_args = [*namespace.qt_args, option_string, *value]


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its package is missing too
        return False


def _available_commands() -> dict[str, str]:
    return {name: summary for name, (module, summary) in COMMANDS.items() if _installed(module)}


def gui_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<10} {summary}" for name, summary in _available_commands().items())
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} [OPTIONS] [QT OPTIONS]\n       {PROG} COMMAND [--help | ARGUMENTS]",
        description="Member communication for Magicline studios: starts the desktop app.",
        epilog=f"commands:\n{commands}\n\n"
        "Qt's own options (-platform NAME, -style NAME, -reverse, ...; see qt6options(7)) go to Qt.\n"
        "A profile's API key lives in the OS keyring, never in a file or an argument.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    for option, keywords in GUI_OPTIONS:
        parser.add_argument(option, **keywords)
    for name in QT_OPTIONS_WITH_VALUE:
        parser.add_argument(f"-{name}", f"--{name}", action=_QtOption, dest="qt_args", help=argparse.SUPPRESS)
    for name in QT_FLAGS:
        parser.add_argument(f"-{name}", f"--{name}", action=_QtOption, dest="qt_args", nargs=0,
                            help=argparse.SUPPRESS)
    parser.set_defaults(qt_args=[])  # after the Qt options: it is their default too
    return parser


def parse_gui_args(argv: Sequence[str]) -> argparse.Namespace:
    """The GUI's options; `qt_args` holds Qt's own. Exits with status 2 (usage and a hint
    on stderr) for anything else, and prints the help for `--help`."""
    parser = gui_parser()
    argv = list(argv)
    qt_after_equals = [a for a in argv
                       if a.startswith("-") and "=" in a and a.lstrip("-").split("=", 1)[0] in QT_OPTIONS_AFTER_EQUALS]
    options, unknown = parser.parse_known_args([a for a in argv if a not in qt_after_equals])
    options.qt_args = [*options.qt_args, *qt_after_equals]
    if unknown:
        parser.error(_unknown(parser, unknown[0]))
    return options


def _unknown(parser: argparse.ArgumentParser, arg: str) -> str:
    if not arg.startswith("-"):
        return f"unexpected argument {arg!r} (a command comes first: {PROG} COMMAND ...)"
    known = ["--help", "--version", *(option for option, _ in GUI_OPTIONS)]
    known += [f"-{name}" for name in (*QT_OPTIONS_WITH_VALUE, *QT_FLAGS, *QT_OPTIONS_AFTER_EQUALS)]
    return f"unknown option {arg}" + _hint(arg.split("=", 1)[0], known)


def _hint(word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    return f" (did you mean {close[0]}?)" if close else f" (see {PROG} --help)"


def main(argv: Sequence[str] | None = None) -> int:
    """`studio-comm [OPTIONS]` or `studio-comm COMMAND ...`; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and not argv[0].startswith("-"):
        return _run_command(argv[0], argv[1:])
    options = parse_gui_args(argv)
    # Imported only now: the GUI brings Qt.
    from studio_comm.app import main as gui_main

    return gui_main(options)


def _run_command(name: str, argv: list[str]) -> int:
    module = COMMANDS[name][0] if name in COMMANDS else UNLISTED_COMMANDS.get(name)
    if module is None:
        gui_parser().error(f"unknown command {name!r}" + _hint(name, list(_available_commands())))
    if not _installed(module):
        gui_parser().error(f"the {name} command is not part of this installation")
    return importlib.import_module(module).main(argv)
