"""`studio-comm keyring-selftest`: store and read back a secret through the OS keyring.

For IT and for the packaging tests: a frozen build can lose keyring's backends (they are
found through package metadata), and then falls back to a keyring that stores nothing.
The secret is read from standard input (a random one when stdin is a terminal or empty),
stored under service `studio-comm-selftest`, read back, compared, and deleted unless
`--keep` is given. The secret itself is never printed.
"""

from __future__ import annotations

import argparse
import secrets
import sys

SERVICE = "studio-comm-selftest"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="studio-comm keyring-selftest", description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="selftest", help="keyring user name (default: selftest)")
    parser.add_argument("--keep", action="store_true", help="leave the secret in the keyring")
    options = parser.parse_args(argv)

    import keyring

    from studio_comm.core.credentials import CredentialError, CredentialStore

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    secret = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.readline().strip()
    secret = secret or secrets.token_urlsafe(24)
    store = CredentialStore(SERVICE)
    try:
        store.set(options.user, secret)
        stored = store.get(options.user)
        if not options.keep:
            store.delete(options.user)
    except CredentialError as exc:
        print(f"keyring-selftest: failed with backend {name}: {exc}", file=sys.stderr)
        _explain_backends()
        return 1
    if stored != secret:
        print(f"keyring-selftest: backend {name} returned a different secret", file=sys.stderr)
        return 1
    print(f"keyring-selftest: ok (backend {name})")
    return 0


def _explain_backends() -> None:
    """Why each installed backend is unusable (keyring hides it): names what IT must fix."""
    from keyring.backend import KeyringBackend
    from keyring.compat.py312 import metadata  # the importlib.metadata keyring itself uses

    for entry in metadata.entry_points(group="keyring.backends"):
        try:
            module = entry.load()
        except Exception as exc:  # a backend's imports fail where its platform is missing
            print(f"  {entry.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        for cls in vars(module).values():
            if isinstance(cls, type) and issubclass(cls, KeyringBackend) and cls.__module__ == module.__name__:
                try:
                    outcome = f"priority {cls.priority}"
                except Exception as exc:  # keyring's own test for "usable here"
                    outcome = f"{type(exc).__name__}: {exc}"
                print(f"  {entry.name}: {outcome}", file=sys.stderr)
