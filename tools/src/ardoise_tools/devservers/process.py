"""Small process helpers: who we run as, whether a pid is still ours, free ports."""

import os
import random
import shutil
import signal
import socket
import subprocess
import time
import zlib
from pathlib import Path


def is_root() -> bool:
    return os.geteuid() == 0


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def pid_running(pid_file: Path, must_contain: str) -> int | None:
    """The pid in the file if that process lives and its command line names what we started."""
    try:
        pid = int(pid_file.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError, IndexError):
        return None
    return pid if must_contain in cmdline else None


def stop_pid(pid: int, timeout_s: float = 10.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _gone(pid):
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)


def _gone(pid: int) -> bool:
    """Exited, reaping it if it was our own child (a zombie still has a /proc entry)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in {"Z", "X"}


def port_open(host: str, port: int, timeout_s: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not port_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {host}:{port} after {timeout_s}s")
        time.sleep(0.05)


LISTEN_PORTS = range(10000, 21000)
"""Where test processes listen: below the kernel's ephemeral range (32768 and up), so a port found
free cannot be taken meanwhile by some process's outgoing connection; below the stacks' own
PostgreSQL and broker ports (21000 and up)."""
_BLOCK = 500
_handed_out: set[int] = set()


def free_port() -> int:
    """A port nobody listens on, for a server about to start. Each checkout draws from a block of
    its own, so test runs of two checkouts side by side rarely even try the same port."""
    from ardoise_tools.devservers.stack import project_root

    blocks = len(LISTEN_PORTS) // _BLOCK
    start = LISTEN_PORTS.start + zlib.crc32(str(project_root()).encode()) % blocks * _BLOCK
    candidates = list(range(start, start + _BLOCK))
    random.shuffle(candidates)
    for port in candidates:
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {start}-{start + _BLOCK - 1}")


def which(name: str) -> str | None:
    return shutil.which(name)
