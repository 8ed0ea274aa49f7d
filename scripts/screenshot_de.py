"""Regenerate the German README screenshot: scripts/screenshot.py with German as the OS language.

    python scripts/screenshot_de.py [--out docs/screenshot-de.png] [screenshot.py options...]

The app picks German the way it does on a German workstation: from the operating system's
language (LANGUAGE=de), with no setting saved. Everything else (demo studio, a member with
a conversation, one unsaved change) is scripts/screenshot.py's. QT_SCALE_FACTOR=1.5 in the
environment shows it at 150 %.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--out" not in argv:
        argv += ["--out", str(ROOT / "docs" / "screenshot-de.png")]
    # Qt reads LANGUAGE first; C.UTF-8 needs no installed German glibc locale.
    env = {**os.environ, "LANGUAGE": "de", "LC_ALL": "C.UTF-8"}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot.py"), *argv], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
