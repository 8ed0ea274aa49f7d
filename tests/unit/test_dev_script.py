"""`./dev` picks a Python quietly and says which: run in a copy of the checkout's script,
with pyenv-like shims of inactive versions first on PATH.

Only the interpreters are stand-ins: a shim of an inactive version fails as pyenv's do
(advice on stderr, status 127); the chosen one runs this test's Python, except that its
`-m venv` makes a venv whose python accepts everything (no packages are installed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

INACTIVE_SHIM = """#!/bin/sh
echo "pyenv: $(basename "$0"): command not found" >&2
echo "The \\`$(basename "$0")' command exists in these Python versions:" >&2
echo "  3.12.1" >&2
exit 127
"""

WORKING_PYTHON = f"""#!/bin/sh
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin" && printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/python" && chmod +x "$3/bin/python"
  exit 0
fi
exec {sys.executable} "$@"
"""


def checkout(tmp_path: Path, working: tuple[str, ...]) -> tuple[Path, dict[str, str]]:
    """A copy of ./dev and pyproject.toml, and an environment whose PATH starts with
    python3.13/3.12/3.11/python3 shims (those in `working` work) and a dpkg that finds
    every package installed."""
    folder = tmp_path / "checkout"
    folder.mkdir()
    for name in ("dev", "pyproject.toml"):
        shutil.copy2(ROOT / name, folder / name)
    shims = tmp_path / "shims"
    shims.mkdir()
    for name, text in [*((n, WORKING_PYTHON if n in working else INACTIVE_SHIM)
                         for n in ("python3.13", "python3.12", "python3.11", "python3")),
                       ("dpkg", "#!/bin/sh\nexit 0\n")]:
        (shims / name).write_text(text)
        (shims / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    env["PATH"] = f"{shims}{os.pathsep}/usr/bin{os.pathsep}/bin"
    return folder, env


def dev(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(folder / "dev"), *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=60)


def test_inactive_shims_are_passed_over_quietly_and_the_choice_is_named(tmp_path):
    folder, env = checkout(tmp_path, working=("python3.11", "python3"))
    done = dev(folder, env, "demo")
    assert done.returncode == 0, done.stderr
    version = ".".join(map(str, sys.version_info[:3]))
    assert done.stderr.splitlines() == [f"creating .venv with {sys.executable} {version}"]
    # The venv exists now: nothing is probed or said again.
    again = dev(folder, env, "demo")
    assert (again.returncode, again.stderr) == (0, "")


def test_without_a_suitable_python_it_says_what_is_needed(tmp_path):
    folder, env = checkout(tmp_path, working=())
    done = dev(folder, env, "demo")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["studio-comm needs Python 3.11 or newer (or set PYTHON=/path/to/python3)"]
