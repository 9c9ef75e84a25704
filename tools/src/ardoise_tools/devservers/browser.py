"""Debian's Chromium for the browser tests (installed with apt if missing, as PostgreSQL is).

No browser is downloaded: Playwright drives the machine's `chromium` through its executable
path, with the flags a closed network needs (no background connections, no component update)."""

import os
import shutil
import subprocess

from ardoise_tools.devservers.process import is_root

CANDIDATES = ("chromium", "chromium-browser")
LAUNCH_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync")


def find_chromium() -> str:
    """The path of the machine's Chromium, installing Debian's package first when missing."""
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    if is_root() and shutil.which("apt-get"):
        print("installing Chromium with apt-get (once)...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
        return find_chromium()
    raise RuntimeError("Chromium not found: install Debian's `chromium` package")
