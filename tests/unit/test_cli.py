"""The `studio-comm` command as a newcomer meets it: the real command in a child process.

The children get no screen (no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM): a command that
reached Qt there would abort, so a clean exit proves that help and errors need no Qt, and
`-X importtime` shows that PySide6 was not even imported.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from studio_comm.cli import COMMANDS

GUI_OPTIONS = ["--demo", "--profile", "--base-url", "--data-dir", "--journal", "--staff", "--workstation"]


def headless_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, **extra}


def studio_comm(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "studio_comm", *args],
                          env=env or headless_env(), capture_output=True, text=True, timeout=timeout)


def imported_qt(done: subprocess.CompletedProcess) -> bool:
    return any("PySide6" in line for line in done.stderr.splitlines() if line.startswith("import time:"))


def messages(done: subprocess.CompletedProcess) -> str:
    """stderr without the import timings."""
    return "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import time:"))


def test_help_prints_the_usage_options_and_commands_without_qt():
    done = studio_comm("--help")
    assert done.returncode == 0, messages(done)
    assert done.stdout.startswith("usage: studio-comm [OPTIONS] [QT OPTIONS]\n       studio-comm COMMAND")
    for option in GUI_OPTIONS:
        assert f"\n  {option}" in done.stdout
    assert "\n  sandbox " in done.stdout
    assert "-platform NAME" in done.stdout  # Qt's own options are mentioned, and go to Qt
    assert not imported_qt(done) and messages(done) == ""


def test_help_lists_the_commands_this_installation_has():
    done = studio_comm("--help")
    commands = done.stdout.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    listed = [line.split()[0] for line in commands.splitlines()]
    assert listed == [name for name, (module, _) in COMMANDS.items() if importlib.util.find_spec(module)]


@pytest.mark.parametrize(("args", "error"), [
    (["--demmo"], "unknown option --demmo (did you mean --demo?)"),
    (["--demo", "--workstaton", "Theke 1"], "unknown option --workstaton (did you mean --workstation?)"),
    (["--profil=Mitte"], "unknown option --profil=Mitte (did you mean --profile?)"),
    (["-platfrom", "offscreen"], "unknown option -platfrom (did you mean -platform?)"),
    (["--xyzzy"], "unknown option --xyzzy (see studio-comm --help)"),
    (["sandbx"], "unknown command 'sandbx' (did you mean sandbox?)"),
    (["--demo", "sandbox"], "unexpected argument 'sandbox' (a command comes first: studio-comm COMMAND ...)"),
    (["--workstation", " "], "argument --workstation: a name of 1 to 200 characters"),
])
def test_a_mistyped_command_line_is_an_error_with_a_hint(args, error):
    done = studio_comm(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert messages(done).startswith("usage: studio-comm")
    assert f"studio-comm: error: {error}" in messages(done)
    assert not imported_qt(done)


def test_a_command_this_installation_lacks_says_so():
    missing = [name for name, (module, _) in COMMANDS.items() if not importlib.util.find_spec(module)]
    if not missing:
        pytest.skip("every command is part of this installation")
    done = studio_comm(missing[0])
    assert done.returncode == 2
    assert f"studio-comm: error: the {missing[0]} command is not part of this installation" in messages(done)


def test_a_command_parses_its_own_arguments():
    done = studio_comm("sandbox", "--help")
    assert done.returncode == 0, messages(done)
    assert done.stdout.startswith("usage: studio-comm sandbox") and "--customers" in done.stdout
    assert not imported_qt(done)
    done = studio_comm("sandbox", "--customers", "-1")
    assert done.returncode == 2 and "--customers must be between" in messages(done)


def test_version():
    from studio_comm import __version__

    done = studio_comm("--version")
    assert (done.returncode, done.stdout) == (0, f"studio-comm {__version__}\n")


def test_qt_options_reach_qt(tmp_path):
    """`-platform offscreen` is the only way this child has to a screen: the demo reaches
    its window and members only if the option got to QApplication; `-style` and
    `-reverse` are accepted on the way."""
    env = headless_env(STUDIO_COMM_SMOKE="1")
    done = studio_comm("-platform", "offscreen", "-style", "Fusion", "-reverse", "--demo",
                       "--data-dir", str(tmp_path / "data"), env=env, timeout=120)
    assert done.returncode == 0, messages(done)[-2000:]
    lines = done.stdout.splitlines()
    assert "smoke: window shown" in lines
    assert any(line.startswith("smoke: ") and line.endswith(" customers") for line in lines), lines
