"""A project-local PostgreSQL cluster from the machine's binaries (installed with apt if missing)."""

import glob
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ardoise_tools.devservers.process import is_root, port_open, run, wait_for_port

SERVER_OPTIONS_FOR_TESTS = ("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")
SERVER_OPTIONS_DURABLE = ("-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on")
"""PostgreSQL's own defaults, spelled out (so that nothing in the data directory's configuration
can turn them off): each commit flushed to disk before it is answered, as in production."""


def find_bindir() -> Path:
    """Debian's versioned layout first, then `pg_config`; install Debian's package as root."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = Path(run([pg_config, "--bindir"]).stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    if is_root() and shutil.which("apt-get"):
        print("installing PostgreSQL with apt-get (once)...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return find_bindir()
    raise RuntimeError(
        "PostgreSQL server binaries not found: install Debian's `postgresql` package "
        "(or set DATABASE_URL to an existing server)"
    )


def _version_key(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


@dataclass
class LocalPostgres:
    """One cluster: a data directory, a loopback port, a superuser password."""

    home: Path
    port: int
    superuser_password: str
    for_tests: bool = False

    @property
    def data_dir(self) -> Path:
        return self._base() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._base() / "socket"

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres:{self.superuser_password}@127.0.0.1:{self.port}/{database}"

    def _base(self) -> Path:
        """The project folder, unless the `postgres` user cannot enter it (root in a 0700 folder)."""
        base = self.home / "pg"
        if not is_root() or _enterable_by_postgres(self.home):
            return base
        digest = hashlib.sha256(str(base.resolve()).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"ardoise-pg-{digest}"

    def _as_owner(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if is_root() else command

    def ensure_running(self) -> None:
        bindir = find_bindir()
        self._ensure_initialised(bindir)
        if self._is_running(bindir):
            return
        self._start(bindir, SERVER_OPTIONS_FOR_TESTS if self.for_tests else ())

    def restart(self, durable: bool) -> None:
        """Stopped (if running) and started again with PostgreSQL's durable defaults
        (`SERVER_OPTIONS_DURABLE`) or with the tests' settings, whatever `for_tests` says: a
        benchmark compares both on one cluster. Until the next stop; `ensure_running` keeps it."""
        self.stop()
        bindir = find_bindir()
        self._ensure_initialised(bindir)
        self._start(bindir, SERVER_OPTIONS_DURABLE if durable else SERVER_OPTIONS_FOR_TESTS)

    def _start(self, bindir: Path, server_options: tuple[str, ...]) -> None:
        if port_open("127.0.0.1", self.port):
            raise RuntimeError(f"port {self.port} is taken by something else: set ARDOISE_PG_PORT")
        options = [f"-p {self.port}", f"-k {self.socket_dir}", "-c listen_addresses=127.0.0.1"]
        options.extend(server_options)
        log_file = self.data_dir / "server.log"
        run(self._as_owner([str(bindir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(log_file),
                            "-o", " ".join(options), "-w", "-t", "60", "start"]))
        wait_for_port("127.0.0.1", self.port)

    def stop(self) -> None:
        if not (self.data_dir / "PG_VERSION").exists():
            return
        bindir = find_bindir()
        if self._is_running(bindir):
            run(self._as_owner([str(bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast",
                                "-w", "stop"]))

    def _is_running(self, bindir: Path) -> bool:
        status = subprocess.run(self._as_owner([str(bindir / "pg_ctl"), "-D", str(self.data_dir),
                                                "status"]), capture_output=True)
        return status.returncode == 0

    def _ensure_initialised(self, bindir: Path) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        base = self.data_dir.parent
        base.mkdir(parents=True, exist_ok=True)
        password_file = base / "superuser-password"
        password_file.write_text(self.superuser_password)
        self.socket_dir.mkdir(exist_ok=True)
        if is_root():
            shutil.chown(base, "postgres", "postgres")
            shutil.chown(password_file, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        password_file.chmod(0o600)
        try:
            run(self._as_owner([str(bindir / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                                "--auth-local=trust", "--auth-host=scram-sha-256",
                                f"--pwfile={password_file}", "-E", "UTF8", "--locale=C.UTF-8"]))
        finally:
            password_file.unlink(missing_ok=True)


def _enterable_by_postgres(folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(folder.resolve())],
                           capture_output=True)
    return probe.returncode == 0
