"""The tooling's `ardoise` commands (registered with the `ardoise` command of the runtime
package): `up` runs the whole system on local servers, `servers` starts or stops those servers
alone, `demo` plays the online-payment walkthrough; and where a local stack's environment is."""

import argparse
import os
import subprocess
import sys

import httpx

from ardoise.cli import load_environment
from ardoise_tools.devservers.stack import Stack, project_root


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
    up.add_argument("--keep-servers", action="store_true", help="leave PostgreSQL and the broker up")
    up.set_defaults(run=cmd_up)

    servers = commands.add_parser("servers", help="start (up) or stop (down) the local servers")
    servers.add_argument("action", choices=["up", "down"])
    servers.add_argument("--instance", default="dev")
    servers.add_argument("--show-secrets", action="store_true")
    servers.set_defaults(run=cmd_servers)

    demo = commands.add_parser("demo", help="play the online-payment walkthrough")
    demo.add_argument("--instance", default="dev")
    demo.set_defaults(run=cmd_demo)


def cmd_up(args: argparse.Namespace) -> None:
    """Servers, migrations, then every gateway and worker in the foreground until Ctrl-C."""
    stack = Stack(args.instance)
    env = stack.up()
    env.update(stack.issuer_environment(os.environ.get("WEB_PUBLIC_URL",
                                                       "http://127.0.0.1:8000")))
    env_file = stack.write_env_file(env)
    print(f"postgres and broker ready; environment in {env_file}", flush=True)
    root = project_root()
    path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "-f", str(root / "Procfile"), "-e", str(env_file),
         "-d", str(root)],
        env={**os.environ, "PATH": path},
    )
    try:
        honcho.wait()
    except KeyboardInterrupt:
        honcho.wait()
    finally:
        if not args.keep_servers:
            stack.down()
            print("stopped the broker and PostgreSQL", flush=True)


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
