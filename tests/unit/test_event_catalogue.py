"""docs/events.md says what the code does: every event, who publishes and consumes it, its
fields. Regenerate it with `.venv/bin/python -m ardoise_tools.catalogue > docs/events.md`."""

from pathlib import Path

from ardoise_tools.catalogue import catalogue, consumers_of, contract_events

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_the_event_catalogue_is_the_one_the_code_writes():
    assert DOCS.read_text() == catalogue(), "regenerate docs/events.md (see its first lines)"


def test_every_event_but_the_balance_notices_has_a_consumer():
    unconsumed = {kind.__name__ for kind in contract_events() if not consumers_of(kind)}
    # told for the frontends and for what comes next (the journal), consumed by no service yet
    assert unconsumed == {"BalanceChanged", "HoldPosted", "HoldReleased"}
