"""`studio-comm sandbox` as a child process: ready line, serving, clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from studio_comm.sandbox.server import (
    DEFAULT_KEY,
    KEY_ENV,
    READY_LINE,
    WEBHOOK_KEY_ENV,
    SandboxConfig,
    SandboxProcess,
    SandboxThread,
    sandbox_command,
)


def test_sandbox_process_serves_and_stops_cleanly():
    config = SandboxConfig(customers=300, seed=7, api_key="proc-key", rate_limit=(50, 30.0))
    with SandboxProcess(config) as sb:
        assert sb.base_url.startswith("http://127.0.0.1:") and not sb.base_url.endswith(":0")
        response = httpx.get(f"{sb.base_url}/v1/customers/1000300",
                             headers={"X-API-KEY": "proc-key"}, timeout=30)
        assert response.status_code == 200
        assert httpx.get(f"{sb.base_url}/v1/customers/1000301",
                         headers={"X-API-KEY": "proc-key"}, timeout=30).status_code == 404
        assert sb.admin.rate_limit() == (50, 30.0)
        assert sb.admin.received()[0]["path"] == "/v1/customers/1000300"
        process = sb.process
    assert process.returncode == 0  # SIGTERM: a clean stop, not death by signal


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_command_line_prints_ready_line_and_stops_on_signal(sig):
    process = subprocess.Popen(
        sandbox_command() + ["--customers", "50", "--api-key", "cli-key"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        match = READY_LINE.match(process.stdout.readline().strip())
        assert match and match["key"] == "cli-key"
        ok = httpx.head(f"{match['url']}/v1/customers", headers={"X-API-KEY": "cli-key"})
        assert ok.status_code == 200
        # admin was not asked for: it is off
        assert httpx.get(f"{match['url']}/__sandbox__/stats",
                         headers={"X-API-KEY": "cli-key"}).status_code == 404
        process.send_signal(sig)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_bad_arguments_are_refused_with_a_message():
    result = subprocess.run(sandbox_command() + ["--customers", "100001"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--customers" in result.stderr
    result = subprocess.run(sandbox_command() + ["--faults", "explode"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "explode" in result.stderr


def test_frozen_bundle_starts_itself(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert sandbox_command() == [sys.executable, "sandbox"]


def test_config_and_running_sandbox_reprs_hide_the_keys():
    config = SandboxConfig(customers=10, api_key="secret-key", webhook_key="hook-key")
    with SandboxThread(config) as sb:
        shown = repr(config) + repr(sb.sandbox) + repr(sb.admin)
    assert "secret-key" not in shown and "hook-key" not in shown


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_the_keys_are_not_on_the_child_process_command_line():
    # Anyone on the machine can read a command line (ps); the keys go in the environment.
    config = SandboxConfig(customers=10, api_key="argv-secret", webhook_key="hook-secret",
                           webhook_url="http://127.0.0.1:9/hook")
    with SandboxProcess(config) as sb:
        argv = Path(f"/proc/{sb.process.pid}/cmdline").read_bytes().decode()
        assert httpx.head(f"{sb.base_url}/v1/customers",
                          headers={"X-API-KEY": "argv-secret"}, timeout=30).status_code == 200
    assert "sandbox" in argv
    assert "argv-secret" not in argv and "hook-secret" not in argv


PARENT = """
import sys, time
from studio_comm.sandbox.server import SandboxConfig, SandboxProcess
sb = SandboxProcess(SandboxConfig(customers=20)).start()
print(sb.base_url, flush=True)
time.sleep(600)
"""


def test_sandbox_process_stops_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        base_url = parent.stdout.readline().strip()
        assert httpx.head(base_url, headers={"X-API-KEY": "sandbox-key"}).status_code == 200
        parent.kill()  # no cleanup code runs in the parent
        parent.wait(timeout=30)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.head(base_url, headers={"X-API-KEY": "sandbox-key"}, timeout=5)
            except httpx.TransportError:
                break  # the orphaned child stopped serving
            assert time.monotonic() < deadline, "the sandbox outlived its parent"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()


def _env_without_key() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != KEY_ENV}


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "studio.example", ""])
@pytest.mark.parametrize("key_args", [[], ["--api-key", DEFAULT_KEY]])
def test_a_host_other_machines_reach_needs_a_key_of_its_own(host, key_args):
    # The default key is in the source code: on an open port anyone could use it.
    result = subprocess.run(sandbox_command() + ["--customers", "5", "--host", host] + key_args,
                            capture_output=True, text=True, timeout=60, env=_env_without_key())
    assert result.returncode == 2
    assert result.stdout == ""  # it never served
    assert f"--host {host} can be reached from other machines" in result.stderr
    assert "--api-key" in result.stderr and KEY_ENV in result.stderr


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_an_open_host_with_its_own_key_serves_with_that_key(how):
    env = _env_without_key()
    args = ["--customers", "5", "--host", "0.0.0.0"]
    if how == "argument":
        args += ["--api-key", "studio-own-key"]
    else:
        env[KEY_ENV] = "studio-own-key"
    process = subprocess.Popen(sandbox_command() + args, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        match = READY_LINE.match(process.stdout.readline().strip())
        assert match and match["url"].startswith("http://0.0.0.0:")
        url = match["url"].replace("0.0.0.0", "127.0.0.1")  # reached here over loopback only
        assert httpx.head(f"{url}/v1/customers", headers={"X-API-KEY": "studio-own-key"},
                          timeout=30).status_code == 200
        assert httpx.head(f"{url}/v1/customers", headers={"X-API-KEY": DEFAULT_KEY},
                          timeout=30).status_code == 401
        process.terminate()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.2"])
def test_a_loopback_host_may_use_the_default_key(host):
    process = subprocess.Popen(sandbox_command() + ["--customers", "5", "--host", host],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=_env_without_key())
    try:
        match = READY_LINE.match(process.stdout.readline().strip())
        assert match and match["key"] == DEFAULT_KEY, process.stderr.read() if not match else ""
        assert httpx.head(f"{match['url']}/v1/customers", headers={"X-API-KEY": DEFAULT_KEY},
                          timeout=30).status_code == 200
        process.terminate()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_webhooks_without_a_webhook_key_are_refused():
    # The vendor always sends its webhook key; events without one would only be refused.
    env = {k: v for k, v in os.environ.items() if k != WEBHOOK_KEY_ENV}
    result = subprocess.run(sandbox_command() + ["--webhook-url", "http://127.0.0.1:9/hook"],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert "--webhook-key" in result.stderr and WEBHOOK_KEY_ENV in result.stderr
