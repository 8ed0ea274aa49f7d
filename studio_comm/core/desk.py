"""Who acts at this computer: the workstation's name and the staff member at the desk.

One `Desk` per run. `staff` changes while the app runs (the status bar's picker); every
use case that writes a message's agent or an audit entry's author reads it at that moment.
`os_user_name()` is who is logged in to the computer: offered when the app has to ask who
is at the desk.
"""

from __future__ import annotations

import getpass
import logging
import sys
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Desk:
    workstation: str
    staff: str | None = None


def os_user_name() -> str:
    """The logged-in user's full name as the system keeps it, else the login name; ""
    when neither is known. May ask a directory service: call it off the UI thread."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment or the password database
        login = ""
    try:
        full = _full_name(login)
    except (KeyError, OSError, AttributeError, ValueError) as exc:  # not in the user database: the login name
        log.info("full name of the user unavailable: %s", type(exc).__name__)
        full = ""
    return (full or login).strip()


def _full_name(login: str) -> str:
    if sys.platform == "win32":
        import ctypes

        size = ctypes.c_ulong(0)
        secur32 = ctypes.windll.secur32  # type: ignore[attr-defined]
        name_display = 3  # EXTENDED_NAME_FORMAT.NameDisplay
        secur32.GetUserNameExW(name_display, None, ctypes.byref(size))
        if not size.value:
            return ""
        buffer = ctypes.create_unicode_buffer(size.value)
        return buffer.value if secur32.GetUserNameExW(name_display, buffer, ctypes.byref(size)) else ""
    import pwd

    if not login:
        return ""
    # The GECOS field: "Full Name,room,work phone,home phone".
    return pwd.getpwnam(login).pw_gecos.split(",")[0]
