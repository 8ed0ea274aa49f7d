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
        return 1
    if stored != secret:
        print(f"keyring-selftest: backend {name} returned a different secret", file=sys.stderr)
        return 1
    print(f"keyring-selftest: ok (backend {name})")
    return 0
