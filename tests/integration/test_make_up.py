"""`make up`, the README's first command, as a developer runs it: `ardoise up` starts its own
PostgreSQL and broker, every gateway and worker, the web pages, the SumUp stand-in and the mail
sink under honcho; all of them answer, a token signed with the stack's key (a PEM of several
lines) is accepted, the environment file reads back exactly, and Ctrl-C stops it all."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from ardoise.auth import Principal
from ardoise.issuer import SigningKeys
from ardoise_tools.devservers.process import free_port
from ardoise_tools.devservers.stack import SERVICES, Stack

ARDOISE = Path(sys.executable).parent / "ardoise"
INSTANCE = "make-up"
OWN_SERVERS = ("DATABASE_URL", "KAFKA_BOOTSTRAP", "ARDOISE_PG_PORT", "ARDOISE_KAFKA_PORT",
               "MAIL_SINK_DIR", "SUMUP_STANDIN_STATE_FILE")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def environment_on_free_ports() -> tuple[dict[str, str], dict[str, str]]:
    """The developer's environment, every port moved off the usual ones (a `make up` of the
    checkout may be running), and none of the test servers' addresses: the stack starts its own."""
    env = {k: v for k, v in os.environ.items()
           if k not in OWN_SERVERS and not k.endswith("_DATABASE_URL")}
    urls = {}
    for service in SERVICES:
        env[f"{service.upper()}_HTTP_PORT"] = str(port := free_port())
        urls[service] = env[f"{service.upper()}_URL"] = f"http://127.0.0.1:{port}"
        env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
    env["WEB_HTTP_PORT"] = str(port := free_port())
    urls["web"] = env["WEB_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    env["SUMUP_STANDIN_PORT"] = str(port := free_port())
    urls["sumup"] = env["SUMUP_API_URL"] = env["SUMUP_URL"] = f"http://127.0.0.1:{port}"
    env["SMTP_PORT"] = str(free_port())
    return env, urls


def shell_reads(env_file: Path) -> dict[str, str]:
    """What `set -a; . FILE` gives a shell."""
    dump = "import json, os; print(json.dumps(dict(os.environ)))"
    read = subprocess.run(["bash", "-c", f'set -a; . "$1"; exec "{sys.executable}" -c "{dump}"',
                           "bash", str(env_file)], env={"PATH": os.environ["PATH"]},
                          capture_output=True, text=True, check=True)
    return json.loads(read.stdout)


def wait_until_healthy(urls: dict[str, str], up: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    waiting = dict(urls)
    while waiting and time.monotonic() < deadline:
        assert up.poll() is None, f"ardoise up ended (rc={up.returncode})"
        for name, url in list(waiting.items()):
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    del waiting[name]
            except httpx.TransportError:
                pass
        time.sleep(0.5)
    assert not waiting, f"never healthy: {sorted(waiting)}"


def start_up(env: dict[str, str], output: Path, in_the_background: bool = False
             ) -> subprocess.Popen:
    """`ardoise up` in a group of its own; `in_the_background`: as `ardoise up &` from a script
    starts it, SIGINT ignored (a non-interactive shell's background job)."""
    ignore_sigint = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) \
        if in_the_background else None
    with output.open("w") as log:
        return subprocess.Popen([ARDOISE, "up", "--instance", INSTANCE], env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=ignore_sigint)


def ctrl_c(up: subprocess.Popen, group: bool = True) -> None:
    """What Ctrl-C does in the terminal: SIGINT to the whole foreground group (`group` False:
    to `ardoise up` alone, as `kill -INT PID` does)."""
    if up.poll() is None:
        if group:
            os.killpg(up.pid, signal.SIGINT)
        else:
            up.send_signal(signal.SIGINT)
    try:
        up.wait(timeout=90)
    finally:
        if up.poll() is None:  # it did not stop: killed, with every process it started
            for pid in [*descendants(up.pid), up.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (from each process's parent in /proc), deepest first. honcho
    starts each in a session of its own, so killing `ardoise up`'s group would leave them
    running after a failed test."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))

    def under(parent: int) -> list[int]:
        return [found for child in children.get(parent, []) for found in (*under(child), child)]

    return under(pid)


def test_make_up_runs_every_process_with_the_stacks_key_and_ctrl_c_stops_it_all(tmp_path):
    stack = Stack(INSTANCE)
    stack.down()
    kept = stack.home / "sumup-standin.state"
    kept.unlink(missing_ok=True)
    env, urls = environment_on_free_ports()
    output = tmp_path / "up.log"
    up = start_up(env, output)
    try:
        wait_until_healthy(urls, up, timeout_s=150)
        assert listening(int(env["SMTP_PORT"])), "the mail sink is not on SMTP_PORT"

        written = shell_reads(stack.home / "env")
        expected = stack.issuer_environment(urls["web"])
        for name, value in expected.items():
            assert written[name] == value, name
        assert json.loads(written["ARDOISE_CLIENT_SECRETS"]).keys() == {"orders", "payments"}
        assert written["MAIL_SINK_DIR"] == str(stack.home / "mail")

        producer = f"p-{uuid.uuid4().hex[:12]}"
        token = SigningKeys(written["ARDOISE_SIGNING_KEYS"]).token(
            urls["web"], Principal("operator", producer), 300)
        for service in SERVICES:
            answer = httpx.get(f"{urls[service]}/v1/whoami", timeout=10,
                               headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, (service, answer.text)
            assert answer.json()["producer_id"] == producer
        assert httpx.get(f"{urls['web']}/", timeout=10).status_code in (200, 303)

        # a second `make up` of the same stack stops at once and leaves the first one whole
        second = subprocess.run([ARDOISE, "up", "--instance", INSTANCE], env=env,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert f"already runs the {INSTANCE} stack (pid {up.pid})" in second.stderr
        wait_until_healthy(urls, up, timeout_s=5)
    finally:
        ctrl_c(up)
        stack.down()
    said = output.read_text()
    assert up.returncode == 0, said[-3000:]
    assert "stopped PostgreSQL and the broker" in said
    assert kept.stat().st_size > 0  # the SumUp stand-in's memory, for the next `make up`
    assert f"keeping messages in {stack.home / 'mail'}" in said
    pg_port, broker_port = stack.ports()
    assert not listening(pg_port) and not listening(broker_port)
    assert not any(listening(int(env[f"{s.upper()}_HTTP_PORT"])) for s in SERVICES)


def test_make_up_leaves_up_the_servers_that_were_up_before_it(tmp_path):
    """Also started as a script starts it in the background (SIGINT ignored from the start), and
    stopped by a SIGINT sent to `ardoise up` alone: it passes it on and stops everything."""
    stack = Stack(INSTANCE)
    env, urls = environment_on_free_ports()
    subprocess.run([ARDOISE, "servers", "up", "--instance", INSTANCE], env=env, check=True,
                   capture_output=True, timeout=120)
    output = tmp_path / "up.log"
    try:
        up = start_up(env, output, in_the_background=True)
        try:
            wait_until_healthy({"orders": urls["orders"]}, up, timeout_s=150)
        finally:
            ctrl_c(up, group=False)
        said = output.read_text()
        assert up.returncode == 0, said[-3000:]
        assert "left PostgreSQL and the broker running, as before" in said
        assert "stopped" not in said.replace("stopped (rc=", "")
        pg_port, broker_port = stack.ports()
        assert listening(pg_port) and listening(broker_port)
        assert not listening(int(env["ORDERS_HTTP_PORT"]))
    finally:
        stack.down()
