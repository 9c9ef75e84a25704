"""The mail server `make up` runs: what the system sends is kept under a folder, attachments
beside each message, and nothing is delivered."""

import os
import subprocess
import sys
import time
from email import message_from_bytes, policy

from ardoise_tools.devservers.process import free_port, port_open
from exports.adapters.mailer import SmtpMailer


async def test_every_message_and_its_workbook_are_kept_in_the_folder(tmp_path):
    port = free_port()
    sink = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "ardoise"),
                             "mail-sink", "--port", str(port), "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not port_open("127.0.0.1", port):
            assert time.monotonic() < deadline and sink.poll() is None, "the sink did not start"
            time.sleep(0.1)
        mailer = SmtpMailer("127.0.0.1", port, "ardoise@localhost")
        await mailer.send_workbook("compta@saules.example", "Ventes — semaine 2026-W48",
                                   "Bonjour", "ventes-par-mode_ferme_2026-11-23_2026-11-29.xlsx",
                                   b"PK-not-really-a-workbook", message_id="<w@ardoise>")
    finally:
        sink.terminate()
        sink.wait(10)
    [kept] = tmp_path.glob("*.eml")
    message = message_from_bytes(kept.read_bytes(), policy=policy.default)
    assert (message["To"], message["Message-ID"]) == ("compta@saules.example", "<w@ardoise>")
    [workbook] = tmp_path.glob("*.xlsx")
    assert workbook.read_bytes() == b"PK-not-really-a-workbook"
