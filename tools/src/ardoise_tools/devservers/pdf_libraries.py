"""Pango and a font for WeasyPrint's invoice PDFs (installed with apt if missing, as
PostgreSQL and Chromium are). `python -m ardoise_tools.devservers.pdf_libraries` checks them."""

import ctypes.util
import os
import shutil
import subprocess

from ardoise_tools.devservers.process import is_root

LIBRARIES = ("pango-1.0", "pangoft2-1.0", "fontconfig")
PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core")
"""What Debian calls them: WeasyPrint draws text with Pango, in DejaVu where nothing else is."""


def missing() -> list[str]:
    absent = [name for name in LIBRARIES if ctypes.util.find_library(name) is None]
    if not os.path.isdir("/usr/share/fonts/truetype/dejavu"):
        absent.append("DejaVu fonts")
    return absent


def ensure_pdf_libraries() -> None:
    """Install what WeasyPrint needs when something is missing; RuntimeError if it cannot."""
    if not (absent := missing()):
        return
    if is_root() and shutil.which("apt-get"):
        print(f"installing {', '.join(PACKAGES)} with apt-get (once)...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env)
        if not (absent := missing()):
            return
    raise RuntimeError(f"invoice PDFs need {', '.join(absent)}: install {' '.join(PACKAGES)}")


if __name__ == "__main__":
    ensure_pdf_libraries()
