"""The whole system as child processes on free ports: every gateway, worker and the SumUp stand-in."""

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ardoise_tools.devservers.process import free_port, stop_pid
from ardoise_tools.devservers.stack import SERVICES, replica_name
from ardoise_tools.processes import process as described_process


@dataclass
class RunningSystem:
    """Started by `start()`, stopped by `stop()`; `urls` maps each gateway to its base URL."""

    env: dict[str, str]
    log_dir: Path
    urls: dict[str, str] = field(default_factory=dict)
    metrics_urls: dict[str, str] = field(default_factory=dict)
    """Each worker's /metrics and /health, e.g. `metrics_urls["accounts-worker"]`."""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    issuer_environment: Callable[[str], dict[str, str]] | None = None
    """The sign-in settings for the web at an address (`Stack.issuer_environment`): the web
    signs with the stack's key, the gateways verify by discovery, services get their own
    tokens. Without it, development HS256 tokens only."""
    replicas: dict[str, int] = field(default_factory=dict)
    """How many of a gateway or worker to run (one when not named), e.g. `{"orders-worker": 2}`.
    Replica n ≥ 2 is the process `orders-worker-2`, on free ports of its own, with its own log;
    the first keeps the usual name, `urls` and `metrics_urls` entries."""
    replica_urls: dict[str, list[str]] = field(default_factory=dict)
    """Each gateway's replicas' base URLs, the first's first, e.g. `replica_urls["orders"]`."""
    process_env: dict[str, dict[str, str]] = field(default_factory=dict)
    """Each process's own environment (`env` with its replica's ports), kept for restarts."""
    commands: dict[str, str] = field(default_factory=dict)
    """Each process's console script (`orders-worker` for `orders-worker-2` too)."""

    def start(self, timeout_s: float = 90.0) -> "RunningSystem":
        bin_dir = Path(sys.executable).parent
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "KAFKA_GROUP_PREFIX": f"t{uuid.uuid4().hex[:6]}."}
        standin_port = free_port()
        self.urls["sumup"] = f"http://127.0.0.1:{standin_port}"
        env["SUMUP_STANDIN_PORT"] = str(standin_port)
        env.setdefault("SUMUP_API_URL", self.urls["sumup"])
        # no mail server there: an e-mail the system tries to send fails, whatever else runs
        env.setdefault("SMTP_PORT", str(free_port()))
        for service in SERVICES:
            port = free_port()
            env[f"{service.upper()}_HTTP_PORT"] = str(port)
            self.urls[service] = f"http://127.0.0.1:{port}"
        env.update({f"{s.upper()}_URL": url for s, url in self.urls.items()})
        web_port = free_port()
        env["WEB_HTTP_PORT"] = str(web_port)
        self.urls["web"] = env["WEB_PUBLIC_URL"] = f"http://127.0.0.1:{web_port}"
        if self.issuer_environment is not None:
            env.update(self.issuer_environment(self.urls["web"]))
        for service in SERVICES:
            port = free_port()
            env[f"{service.upper()}_METRICS_PORT"] = str(port)
            self.metrics_urls[f"{service}-worker"] = f"http://127.0.0.1:{port}"
        self.env = env
        commands = {"sumup-standin": "sumup-standin"} if (bin_dir / "sumup-standin").exists() else {}
        for service in SERVICES:
            commands[f"{service}-gateway"] = f"{service}-gateway"
            commands[f"{service}-worker"] = f"{service}-worker"
        commands["web-gateway"] = "web-gateway"
        for service in (*SERVICES, "web"):
            self.replica_urls[service] = [self.urls[service]]
        for command in list(commands):
            self.process_env[command] = env
            for replica in range(2, self.replicas.get(command, 1) + 1):
                name = replica_name(command, replica)
                commands[name] = command
                self.process_env[name] = {**env, **self._replica_ports(command, name)}
        self.commands = commands
        for name, command in commands.items():
            self.processes[name] = self._spawn(name, command)
        self._wait_until_healthy(timeout_s)
        return self

    def _replica_ports(self, command: str, name: str) -> dict[str, str]:
        """A further replica's own port: its gateway's API, or its worker's /metrics."""
        described = described_process(command)
        if described.kind not in ("gateway", "worker"):
            raise ValueError(f"{command} runs once: only gateways and workers have replicas")
        port = free_port()
        if described.kind == "gateway":
            self.replica_urls[described.package].append(f"http://127.0.0.1:{port}")
        else:
            self.metrics_urls[name] = f"http://127.0.0.1:{port}"
        return {f"{described.package.upper()}_{described.port_variable}": str(port)}

    def _spawn(self, name: str, command: str) -> subprocess.Popen:
        bin_dir = Path(sys.executable).parent
        with open(self.log_dir / f"{name}.log", "ab") as log:
            return subprocess.Popen(
                [str(bin_dir / command)], env=self.process_env.get(name, self.env), stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def _wait_until_healthy(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        pending = {url for service in (*SERVICES, "web")
                   for url in self.replica_urls.get(service, [self.urls[service]])}
        while pending:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited: see {self.log_dir / (name + '.log')}")
            for url in list(pending):
                try:
                    if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                        pending.discard(url)
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"not healthy after {timeout_s}s: {sorted(pending)}")
            time.sleep(0.2)

    def log_lines(self, name: str) -> list[dict]:
        """The JSON lines one process has written so far (any other line left out)."""
        text = (self.log_dir / f"{name}.log").read_text()
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def restart(self, name: str, kill: bool = True) -> None:
        """Kill one process (SIGKILL by default) and start it again with the same environment."""
        self.kill(name, hard=kill)
        self.processes[name] = self._spawn(name, self.commands.get(name, name))

    def kill(self, name: str, hard: bool = True) -> None:
        """Stop one process (SIGKILL by default, else SIGTERM) and wait for it; not restarted."""
        process = self.processes[name]
        process.kill() if hard else process.terminate()
        process.wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                stop_pid(process.pid)
            process.wait()
