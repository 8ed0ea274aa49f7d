"""The `studio-comm` command: the composition root.

`studio-comm [--demo] [--profile NAME] [--base-url URL] [--data-dir DIR]` starts the GUI;
`studio-comm sandbox [...]` runs the local Magicline-compatible server in the foreground;
`studio-comm campaign run|report [...]` sends or reports a campaign (studio_comm.campaign).
Each subcommand parses its own arguments.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "sandbox":
        from studio_comm.sandbox.server import main as sandbox_main

        return sandbox_main(argv[1:])
    if argv and argv[0] == "campaign":
        from studio_comm.campaign import main as campaign_main

        return campaign_main(argv[1:])
    if argv and argv[0] == "keyring-selftest":  # for IT and the packaging tests; not in --help
        from studio_comm.selftest import main as selftest_main

        return selftest_main(argv[1:])
    # The Qt-free stack first: once PySide6 is imported, its import hook inspects every
    # module imported after it, which costs about 50 ms of start-up for these.
    import studio_comm.core.session  # noqa: F401
    from studio_comm.app import main as gui_main

    return gui_main(argv)
