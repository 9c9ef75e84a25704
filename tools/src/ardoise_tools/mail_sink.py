"""A local mail server for `make up`: every message the system sends is kept, never delivered.

Each message lands in `.run/dev/mail/` as `<time>-<to>.eml` (opens in any mail program), its
attachments beside it (the weekly XLSX), so a developer sees what a producer would receive.
"""

import asyncio
import os
import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

from ardoise_tools.devservers.stack import project_root


class KeepEveryMessage:
    """aiosmtpd handler: writes each message (and its attachments) under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's
        keep(self.folder, envelope.content, envelope.rcpt_tos)
        return "250 Message kept"


def keep(folder: Path, content: bytes, recipients: list[str]) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    to = re.sub(r"[^A-Za-z0-9@._+-]", "_", ",".join(recipients))[:80]
    path = folder / f"{stamp}-{to}.eml"
    path.write_bytes(content)
    message = message_from_bytes(content, policy=policy.default)
    for index, part in enumerate(message.iter_attachments()):
        name = re.sub(r"[^A-Za-z0-9._-]", "_", part.get_filename() or f"attachment-{index}")
        (folder / f"{stamp}-{name}").write_bytes(part.get_payload(decode=True) or b"")
    return path


def register(commands) -> None:
    sink = commands.add_parser("mail-sink", help="keep the e-mails the system sends "
                                                 "(.run/dev/mail/), deliver none")
    sink.add_argument("--port", type=int, default=None,
                      help="where it listens (default SMTP_PORT, where the services send, "
                           "else 8025)")
    sink.add_argument("--dir", type=Path, default=None,
                      help="where to keep them (default MAIL_SINK_DIR, which `ardoise up` sets "
                           "to its stack's mail/, else .run/dev/mail)")
    sink.set_defaults(run=serve)


def serve(args) -> None:
    folder = args.dir or Path(os.environ.get("MAIL_SINK_DIR")
                              or project_root() / ".run" / "dev" / "mail")
    port = args.port or int(os.environ.get("SMTP_PORT") or 8025)
    controller = Controller(KeepEveryMessage(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mail sink on 127.0.0.1:{port}, keeping messages in {folder}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
