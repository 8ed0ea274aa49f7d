"""The profile key in a real Secret Service: gnome-keyring on a private D-Bus session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

MISSING = [tool for tool in ("dbus-run-session", "gnome-keyring-daemon", "secret-tool") if shutil.which(tool) is None]

pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs a Secret Service: {', '.join(MISSING)} not installed "
    "(Debian packages: dbus gnome-keyring libsecret-tools; ./dev test installs them)",
)

KEY = "sk-e2e-5b8e1f0d9c2a"

# Runs inside the D-Bus session: store through the app's code, read back through a fresh
# store and through libsecret's own tool, then delete.
CHILD = textwrap.dedent("""
    import os, subprocess, sys
    import keyring
    from studio_comm.core.credentials import CredentialStore, keyring_available

    assert keyring_available(), keyring.get_keyring()
    print("backend", type(keyring.get_keyring()).__module__)
    CredentialStore().set("Studio Mitte", os.environ["TEST_KEY"])
    print("read", CredentialStore().get("Studio Mitte"))
    lookup = subprocess.run(["secret-tool", "lookup", "service", "studio-comm", "username", "Studio Mitte"],
                            capture_output=True, text=True)
    print("secret-tool", lookup.stdout.strip())
    CredentialStore().delete("Studio Mitte")
    print("after delete", CredentialStore().get("Studio Mitte"))
""")


def test_key_is_stored_and_read_through_a_real_secret_service(tmp_path):
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING", "GNOME_KEYRING"))}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CONFIG_HOME=str(home / ".config"), TEST_KEY=KEY)
    inner = (
        'eval "$(printf %s PASS | gnome-keyring-daemon --unlock --components=secrets)"; '
        "export GNOME_KEYRING_CONTROL; "
        f'exec {sys.executable} {script}'
    )
    done = subprocess.run(["dbus-run-session", "--", "bash", "-c", inner], env=env, cwd=os.getcwd(),
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "backend keyring.backends.SecretService" in lines
    assert f"read {KEY}" in lines
    assert f"secret-tool {KEY}" in lines
    assert "after delete None" in lines
