"""Who did it, as kept: the operator's name (else its id), a customer, one line that a worksheet
can hold, never longer than a column; and the events that tell it stay readable without it."""

import uuid
from datetime import date

from ardoise.auth import Principal
from ardoise.changes import ACTOR_LENGTH, Change, actor_of, kept_actor
from ardoise.events import MovementRecorded, SettlementChanged, decode_event, encode_event


def test_an_operator_is_kept_by_its_name_else_its_id_and_a_customer_as_such():
    assert actor_of(Principal("operator", "p1", person="op-1", name="Léa Martin")) == "Léa Martin"
    assert actor_of(Principal("operator", "p1", person="op-1")) == "op-1"
    assert actor_of(Principal("customer", "p1", "c1")) == "client c1"


def test_a_name_is_kept_on_one_line_without_control_characters_and_cut_to_the_column():
    assert kept_actor("Léa\x07 Martin\n") == "Léa Martin"
    assert kept_actor("x" * 300) == "x" * ACTOR_LENGTH
    assert kept_actor(" \u202e ") is None and kept_actor(None) is None


def test_no_change_shows_as_nulls_and_one_made_now_shows_who_and_when():
    assert Change().view() == {"changed_by": None, "changed_at": None}
    change = Change.now_by("Léa Martin")
    assert change.view() == {"changed_by": "Léa Martin", "changed_at": change.at.isoformat()}
    assert change.at.utcoffset() is not None


def test_events_written_before_they_named_anyone_still_decode_with_no_actor():
    settled = SettlementChanged(producer_id="p1", order_id=uuid.uuid4(), customer_id="c1",
                                version=1, total_cents=2000, delivery_date=date(2026, 11, 27),
                                mode="cash", amount_paid_cents=2000, actor="Léa Martin")
    body = encode_event(settled)
    assert decode_event(body) == settled
    del body["actor"]
    assert decode_event(body).actor is None
    moved = encode_event(MovementRecorded(producer_id="p1", customer_id="c1",
                                          movement_id=uuid.uuid4(), at=settled.occurred_at,
                                          amount_cents=500, mode="cash", label="Recharge"))
    del moved["actor"]
    assert decode_event(moved).actor is None
