"""The tooling's `ardoise` commands (registered with the `ardoise` command of the runtime
package): `up` runs the whole system on local servers, `servers` starts or stops those servers
alone, `demo` plays the online-payment walkthrough; and where a local stack's environment is."""

import argparse
import fcntl
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ardoise.cli import load_environment
from ardoise_tools.devservers.broker import LocalBroker
from ardoise_tools.devservers.postgres import LocalPostgres
from ardoise_tools.devservers.process import port_open
from ardoise_tools.devservers.stack import (
    Stack,
    parse_replicas,
    project_root,
    replica_name,
    replica_port,
    replicated_procfile,
)


def environment_of(instance: str) -> dict[str, str]:
    """A local stack's environment (`.run/INSTANCE/`): its database URLs, broker and secrets;
    for `dev`, `make up`'s issuer too (the web at its usual address), so that `ardoise token`
    signs with the same key as the web."""
    stack = Stack(instance)
    env = stack.environment()
    if instance == "dev":
        env.update(stack.issuer_environment(os.environ.get("WEB_PUBLIC_URL",
                                                           "http://127.0.0.1:8000")))
    return env


def register(commands) -> None:
    up = commands.add_parser("up", help="run the whole system in the foreground")
    up.add_argument("--instance", default="dev")
    up.add_argument("--keep-servers", action="store_true",
                    help="leave PostgreSQL and the broker up")
    up.add_argument("--replicas", default=os.environ.get("ARDOISE_REPLICAS", ""),
                    help="how many of each gateway and worker: N for all, workers=N, "
                         "gateways=N, NAME=N, comma-separated (default: ARDOISE_REPLICAS, else "
                         "one each); replica n listens on the usual port + 100*(n-1)")
    up.set_defaults(run=cmd_up)

    servers = commands.add_parser("servers", help="start (up) or stop (down) the local servers")
    servers.add_argument("action", choices=["up", "down"])
    servers.add_argument("--instance", default="dev")
    servers.add_argument("--show-secrets", action="store_true")
    servers.set_defaults(run=cmd_servers)

    demo = commands.add_parser("demo", help="play the online-payment walkthrough")
    demo.add_argument("--instance", default="dev")
    demo.set_defaults(run=cmd_demo)


def replicable() -> dict[str, str]:
    """The processes that may run several times, and their kind: every gateway and worker (not
    the SumUp stand-in, whose checkouts live in its memory, nor the mail sink)."""
    from ardoise_tools.processes import PROCESSES

    return {p.name: p.kind for p in PROCESSES if p.kind in ("gateway", "worker")}


def replica_ports() -> dict[str, tuple[str, int]]:
    """Each replicable process's own port variable (`ORDERS_HTTP_PORT`, `ORDERS_METRICS_PORT`:
    a service's own name wins over the shared one) and its usual port."""
    from ardoise_tools.processes import PROCESSES

    return {p.name: (f"{p.package.upper()}_{p.port_variable}", p.port) for p in PROCESSES
            if p.kind in ("gateway", "worker")}


def procfile_for(stack: Stack, spec: str) -> Path:
    """The project's Procfile, or with replicas asked for, one written under `.run/NAME/`."""
    procfile = project_root() / "Procfile"
    counts = parse_replicas(spec, replicable())
    if all(count == 1 for count in counts.values()):
        return procfile
    ports = replica_ports()
    written = stack.home / "Procfile"
    written.write_text(replicated_procfile(procfile.read_text(), counts, ports))
    for name, count in counts.items():
        if count > 1:
            variable, port = ports[name]
            listed = ", ".join(f"{replica_name(name, n)} on {replica_port(port, n)}"
                               for n in range(1, count + 1))
            print(f"{count} replicas: {listed}", flush=True)
    return written


@contextmanager
def running_alone(stack: Stack) -> Iterator[None]:
    """Hold the stack for this `ardoise up`: a second one on the same stack stops at once (its
    processes would find their ports taken, and its exit would stop the first one's servers)."""
    stack.home.mkdir(parents=True, exist_ok=True)
    with open(stack.home / "up.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            sys.exit(f"ardoise up already runs the {stack.name} stack (pid {lock.read().strip()}):"
                     f" stop it first (Ctrl-C), or run another with --instance NAME")
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        yield


def cmd_up(args: argparse.Namespace) -> None:
    """Servers, migrations, then every gateway and worker in the foreground until Ctrl-C."""
    stack = Stack(args.instance)
    try:
        parse_replicas(args.replicas, replicable())
    except ValueError as error:
        sys.exit(str(error))
    with running_alone(stack):
        run_stack(stack, args)


def servers_to_start(stack: Stack) -> dict[str, LocalPostgres | LocalBroker]:
    """The stack's servers that `stack.up()` is about to start, by name: not those already up
    (`ardoise servers up`), nor those the environment sends elsewhere (`DATABASE_URL`,
    `KAFKA_BOOTSTRAP`)."""
    postgres_port, broker_port = stack.ports()
    servers = {"PostgreSQL": (stack.postgres(), "DATABASE_URL", postgres_port),
               "the broker": (stack.broker(), "KAFKA_BOOTSTRAP", broker_port)}
    return {name: server for name, (server, elsewhere, port) in servers.items()
            if not os.environ.get(elsewhere) and not port_open("127.0.0.1", port)}


def run_stack(stack: Stack, args: argparse.Namespace) -> None:
    started = servers_to_start(stack)  # stopped at the end, and only those
    env = stack.up()
    env.update(stack.issuer_environment(os.environ.get("WEB_PUBLIC_URL",
                                                       "http://127.0.0.1:8000")))
    env["MAIL_SINK_DIR"] = os.environ.get("MAIL_SINK_DIR", str(stack.home / "mail"))
    # the SumUp stand-in's checkouts, payments and payouts, kept across a restart of the stack
    env["SUMUP_STANDIN_STATE_FILE"] = os.environ.get("SUMUP_STANDIN_STATE_FILE",
                                                     str(stack.home / "sumup-standin.state"))
    env_file = stack.write_env_file(env)
    print(f"postgres and broker ready; environment in {env_file}", flush=True)
    root = project_root()
    procfile = procfile_for(stack, args.replicas)
    path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"
    # the processes inherit the environment itself: honcho's env-file reader takes a value to
    # the end of its line, and the signing key's PEM spans several
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "-f", str(procfile), "-e", os.devnull,
         "-d", str(root)],
        env={**os.environ, **env, "PATH": path},
    )
    # Ctrl-C reaches honcho too (the terminal's whole group); a SIGINT or SIGTERM sent to this
    # process alone is passed on (honcho stops its processes once, however many it gets). Set
    # here, not left to Python: started in the background by a script (`ardoise up &`), this
    # process begins with SIGINT ignored, and Python then never turns it into KeyboardInterrupt.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda signum, _: honcho.send_signal(signum))
    try:
        honcho.wait()
    finally:
        if not args.keep_servers:
            for server in started.values():
                server.stop()
            if started:
                print(f"stopped {' and '.join(started)}", flush=True)
            kept = [name for name in ("PostgreSQL", "the broker") if name not in started]
            if kept:
                print(f"left {' and '.join(kept)} running, as before", flush=True)


def cmd_servers(args: argparse.Namespace) -> None:
    stack = Stack(args.instance)
    if args.action == "down":
        stack.down()
        return
    env = stack.up()
    for key, value in sorted(env.items()):
        print(f"{key}={value}" if args.show_secrets else f"{key}=…")


def cmd_demo(args: argparse.Namespace) -> None:
    """Play the online-payment walkthrough against the running system (`make up`)."""
    from ardoise_tools.demo import run_demo

    load_environment(args.instance)
    urls = {s: os.environ[f"{s.upper()}_URL"] for s in ("orders", "accounts", "payments", "sumup")
            if os.environ.get(f"{s.upper()}_URL")}
    try:
        run_demo(os.environ["ARDOISE_JWT_SECRET"], urls)
    except httpx.HTTPError as error:
        sys.exit(f"the system did not answer ({error}): is `make up` running?")
