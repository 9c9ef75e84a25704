"""`ardoise up --replicas` / ARDOISE_REPLICAS: how many of each process, on which ports."""

import pytest

from ardoise_tools.cli import replica_ports, replicable
from ardoise_tools.devservers.stack import (
    parse_replicas,
    replica_name,
    replica_port,
    replicated_procfile,
)
from ardoise_tools.processes import PROCESSES

KINDS = replicable()


def test_no_spec_runs_one_of_each():
    assert set(parse_replicas("", KINDS).values()) == {1}


def test_a_bare_number_is_every_gateway_and_worker_and_names_override_it():
    counts = parse_replicas("2, web-gateway=1 ,payments-worker=3", KINDS)
    assert counts["orders-gateway"] == counts["journal-worker"] == 2
    assert counts["web-gateway"] == 1 and counts["payments-worker"] == 3


def test_kinds_by_name():
    counts = parse_replicas("workers=2", KINDS)
    assert {n for n, c in counts.items() if c == 2} == {n for n in KINDS if n.endswith("-worker")}
    assert counts["web-gateway"] == 1


@pytest.mark.parametrize("spec", ["sumup-standin=2", "mail-sink=2", "orders-worker=0",
                                  "orders-worker=10", "orders-worker=two", "nobody=2"])
def test_what_cannot_be_replicated_is_refused(spec):
    with pytest.raises(ValueError):
        parse_replicas(spec, KINDS)


def test_replicas_are_every_gateway_and_worker_and_nothing_else():
    assert set(KINDS) == {p.name for p in PROCESSES if p.kind in ("gateway", "worker")}
    assert "sumup-standin" not in KINDS


def test_each_replica_has_a_port_of_its_own():
    ports = replica_ports()
    assert ports["orders-gateway"] == ("ORDERS_HTTP_PORT", 8001)
    assert ports["orders-worker"] == ("ORDERS_METRICS_PORT", 9101)
    assert ports["web-gateway"] == ("WEB_HTTP_PORT", 8000)
    taken = [p.port for p in PROCESSES] + [55432, 59092]
    replicas = [replica_port(port, n) for _, port in ports.values() for n in range(2, 10)]
    assert len(set(replicas)) == len(replicas) and not set(replicas) & set(taken)


def test_the_procfile_gains_a_line_per_further_replica_and_keeps_the_others():
    procfile = ("orders-gateway: orders-gateway\norders-worker: orders-worker\n"
                "mail-sink: ardoise mail-sink\n")
    counts = {"orders-gateway": 1, "orders-worker": 3}
    written = replicated_procfile(procfile, counts, replica_ports())
    assert written.splitlines() == [
        "orders-gateway: orders-gateway",
        "orders-worker: orders-worker",
        "orders-worker-2: ORDERS_METRICS_PORT=9201 orders-worker",
        "orders-worker-3: ORDERS_METRICS_PORT=9301 orders-worker",
        "mail-sink: ardoise mail-sink",
    ]
    assert replica_name("orders-worker", 1) == "orders-worker"


def test_the_default_leaves_the_project_procfile_alone(tmp_path, monkeypatch):
    from ardoise_tools.cli import procfile_for
    from ardoise_tools.devservers.stack import Stack, project_root

    monkeypatch.setattr(Stack, "home", property(lambda self: tmp_path))
    assert procfile_for(Stack("dev"), "") == project_root() / "Procfile"
    written = procfile_for(Stack("dev"), "orders-gateway=2")
    assert written == tmp_path / "Procfile"
    assert "orders-gateway-2: ORDERS_HTTP_PORT=8101 orders-gateway" in written.read_text()
