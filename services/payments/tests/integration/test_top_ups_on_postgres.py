"""Online top-ups on the real PostgreSQL with SumUp stood in for: a paid top-up is told once
(OnlineTopUpPaid, claimed with its close) whoever reads it back first, whatever is replayed."""

import asyncio
import uuid

from sqlalchemy import select

from ardoise.auth import Principal
from payments.adapters.orm import outbox, top_ups
from payments.adapters.sumup_checkouts import PAID
from payments.domain.settlement import PaymentSettings
from payments.service_layer.top_ups import open_top_up, sync_due_top_ups, sync_top_up

from ..unit.fakes import FakePaymentGateway

ONLINE = PaymentSettings(payment_tracking=True, accepted_modes=("account", "cash", "online"),
                         sumup_merchant_code="MFAKE001", sumup_connected=True)
WEBHOOK = "http://payments.test/v1/sumup/webhook"


class RacingSumUp(FakePaymentGateway):
    """SumUp whose read-backs answer together once `racers` of them are waiting: every reader
    then holds the same PAID checkout and tries to record it at the same moment."""

    def __init__(self, racers: int = 1) -> None:
        super().__init__()
        self.barrier = asyncio.Barrier(racers)

    async def __call__(self, producer_id: str):
        return self

    async def get_checkout(self, checkout_id: str):
        seen = await super().get_checkout(checkout_id)
        async with asyncio.timeout(10):
            await self.barrier.wait()
        return seen


async def online_producer(new_uow, producer_id: str) -> None:
    async with new_uow() as uow:
        await uow.payments.save_settings(producer_id, ONLINE)
        await uow.payments.save_sumup_key(producer_id, "sealed key")  # the account connected
        await uow.payments.remember_customer(producer_id, "c1", "Claire Martin")
        await uow.commit()


async def paid_events(new_uow, top_up_id: str) -> list[dict]:
    async with new_uow() as uow:
        return list((await uow.session.execute(select(outbox.c.payload).where(
            outbox.c.event_type == "OnlineTopUpPaid",
            outbox.c.payload["top_up_id"].astext == top_up_id))).scalars())


async def test_a_top_up_read_back_by_many_at_once_is_told_paid_once(new_uow, producer_id):
    await online_producer(new_uow, producer_id)
    sumup = RacingSumUp(racers=6)
    view, _ = await open_top_up(producer_id, "c1", 2000, None, None, "f", new_uow, sumup,
                                WEBHOOK)
    sumup.set_status(view["checkout_id"], PAID)
    outcomes = await asyncio.gather(*(sync_top_up(view["checkout_id"], new_uow, sumup)
                                      for _ in range(6)))
    assert sorted(outcomes) == ["already recorded"] * 5 + ["paid"]
    [event] = await paid_events(new_uow, view["top_up_id"])
    assert (event["customer_id"], event["amount_cents"], event["checkout_id"]) == (
        "c1", 2000, view["checkout_id"])
    async with new_uow() as uow:
        row = (await uow.session.execute(select(top_ups).where(
            top_ups.c.top_up_id == uuid.UUID(view["top_up_id"])))).one()
    assert (row.status, row.transaction_id) == ("PAID", event["transaction_id"])
    assert row.closed_at is not None


async def test_a_notification_racing_the_periodic_read_back_is_recorded_once(
        gateway, new_uow, producer_id):
    await online_producer(new_uow, producer_id)
    sumup = RacingSumUp(racers=2)
    gateway.app.state.sumup = sumup
    view, _ = await open_top_up(producer_id, "c1", 1500, None, None, "f", new_uow, sumup,
                                WEBHOOK)
    sumup.set_status(view["checkout_id"], PAID)
    async with new_uow() as uow:  # its turn to be read back has come
        await uow.session.execute(top_ups.update().where(
            top_ups.c.checkout_id == view["checkout_id"]).values(
                next_check_at=top_ups.c.created_at))
        await uow.commit()

    notified = gateway().post("/v1/sumup/webhook", json={
        "event_type": "CHECKOUT_STATUS_CHANGED", "id": view["checkout_id"]})
    polled = sync_due_top_ups(new_uow, sumup, limit=100_000)
    answer, _ = await asyncio.gather(notified, polled)
    assert answer.status_code == 204
    assert len(await paid_events(new_uow, view["top_up_id"])) == 1


async def test_a_notification_replayed_changes_nothing_more(gateway, new_uow, producer_id):
    await online_producer(new_uow, producer_id)
    sumup = RacingSumUp()
    gateway.app.state.sumup = sumup
    customer = gateway(Principal("customer", producer_id, "c1"))
    created = await customer.post(f"/v1/producers/{producer_id}/customers/c1/top-ups",
                                  json={"amount_cents": 2500})
    assert created.status_code == 201, created.text
    view = created.json()
    notification = {"event_type": "CHECKOUT_STATUS_CHANGED", "id": view["checkout_id"]}
    assert (await gateway().post("/v1/sumup/webhook", json=notification)).status_code == 204
    own = f"/v1/producers/{producer_id}/customers/c1/top-ups/{view['top_up_id']}"
    assert (await customer.get(own)).json()["status"] == "PENDING"
    sumup.set_status(view["checkout_id"], PAID)
    for _ in range(3):
        assert (await gateway().post("/v1/sumup/webhook", json=notification)).status_code == 204
    assert len(await paid_events(new_uow, view["top_up_id"])) == 1
    shown = await customer.get(own)
    assert (shown.json()["status"], shown.json()["amount_cents"]) == ("PAID", 2500)


async def test_the_gateway_lets_a_customer_top_up_its_own_account_only(gateway, new_uow,
                                                                       producer_id):
    await online_producer(new_uow, producer_id)
    gateway.app.state.sumup = RacingSumUp()
    path = f"/v1/producers/{producer_id}/customers/c1/top-ups"
    other = gateway(Principal("customer", producer_id, "c2"))
    assert (await other.post(path, json={"amount_cents": 1000})).status_code == 404
    assert (await other.get(path)).status_code == 404
    elsewhere = gateway(Principal("operator", "another-farm"))
    assert (await elsewhere.post(path, json={"amount_cents": 1000})).status_code == 404
    for bad in ({"amount_cents": 0}, {"amount_cents": "10"}, {},
                {"amount_cents": 100, "redirect_url": "javascript:alert(1)"}):
        assert (await gateway().post(path, json=bad)).status_code == 422, bad
    operator = gateway()
    made = await operator.post(path, json={"amount_cents": 1000}, headers={
        "Idempotency-Key": "k1"})
    again = await operator.post(path, json={"amount_cents": 1000}, headers={
        "Idempotency-Key": "k1"})
    other_body = await operator.post(path, json={"amount_cents": 2000}, headers={
        "Idempotency-Key": "k1"})
    assert (made.status_code, again.status_code, other_body.status_code) == (201, 200, 409)
    assert again.json() == made.json()
    listed = (await gateway(Principal("customer", producer_id, "c1")).get(path)).json()
    assert [t["top_up_id"] for t in listed["top_ups"]] == [made.json()["top_up_id"]]
    unknown = f"/v1/producers/{producer_id}/customers/c9/top-ups"
    assert (await operator.post(unknown, json={"amount_cents": 1000})).status_code == 404


async def test_a_producer_that_takes_no_online_payment_takes_no_top_up(gateway, new_uow,
                                                                      producer_id):
    async with new_uow() as uow:
        await uow.payments.remember_customer(producer_id, "c1", "Claire Martin")
        await uow.commit()
    gateway.app.state.sumup = RacingSumUp()
    answer = await gateway().post(f"/v1/producers/{producer_id}/customers/c1/top-ups",
                                  json={"amount_cents": 1000})
    assert answer.status_code == 409 and "online" in answer.json()["detail"]
