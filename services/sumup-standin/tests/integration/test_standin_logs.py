"""The stand-in as `make up` runs it: every line it writes is a JSON object, access lines too."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from ardoise_tools.devservers.process import free_port, wait_for_port


def test_the_running_stand_in_writes_json_lines():
    port = free_port()
    command = Path(sys.executable).parent / "sumup-standin"
    process = subprocess.Popen([str(command)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "SUMUP_STANDIN_PORT": str(port)})
    try:
        wait_for_port("127.0.0.1", port)
        answer = httpx.get(f"http://127.0.0.1:{port}/v0.1/checkouts/nope",
                           headers={"Authorization": "Bearer standin"})
        assert answer.status_code == 404
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    lines = [json.loads(line) for line in output.decode().splitlines() if line.strip()]
    assert all({"event", "level", "logger", "timestamp", "process"} <= set(line) for line in lines)
    events = [line["event"] for line in lines]
    assert any(f"listening on http://127.0.0.1:{port}" in event for event in events)
    assert any("GET /v0.1/checkouts/nope" in event and "404" in event for event in events)
