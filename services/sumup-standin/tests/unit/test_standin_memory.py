"""The stand-in's memory across a restart (`SUMUP_STANDIN_STATE_FILE`): the checkouts, their
payments and refunds, which merchant a key belongs to and what was paid out, as they were when
it stopped; without the setting, or with a file it did not write, it starts empty."""

import uuid

from sumup_standin import Settings

MERCHANT = "MSTANDIN"


def body(**fields) -> dict:
    return {"checkout_reference": f"order-{uuid.uuid4()}", "amount": 25.0, "currency": "EUR",
            "merchant_code": MERCHANT, **fields}


async def test_a_restarted_standin_finds_what_it_had_when_it_stopped(start_standin, tmp_path):
    settings = Settings(retry_delays_s=(0.01,), state_file=str(tmp_path / "standin.state"))
    async with start_standin(settings) as (_, api):
        paid = (await api.post("/v0.1/checkouts", json=body())).json()
        await api.post(f"/v0.1/checkouts/{paid['id']}/simulate", json={"status": "PAID"})
        pending = (await api.post("/v0.1/checkouts", json=body(amount=12.5))).json()
        paid = (await api.get(f"/v0.1/checkouts/{paid['id']}")).json()
        transaction_id = paid["transactions"][0]["id"]
        refunded = await api.post(
            f"/v1.0/merchants/{MERCHANT}/payments/{transaction_id}/refunds", json={"amount": 5})
        assert refunded.status_code == 201
        made = await api.post(f"/_standin/merchants/{MERCHANT}/payouts",
                              json={"date": "2026-11-29"})
        assert made.status_code == 201, made.text
        payouts = (await api.get(f"/v1.0/merchants/{MERCHANT}/payouts", params={
            "start_date": "2026-11-29", "end_date": "2026-11-29"})).json()
        before = {c["id"]: c for c in (await api.get("/v0.1/checkouts")).json()}

    async with start_standin(settings) as (_, api):
        after = {c["id"]: c for c in (await api.get("/v0.1/checkouts")).json()}
        assert after == before and set(after) == {paid["id"], pending["id"]}
        assert after[paid["id"]]["transactions"][0]["status"] == "SUCCESSFUL"
        read = (await api.get(f"/v2.1/merchants/{MERCHANT}/transactions",
                              params={"id": transaction_id})).json()
        assert read["refunded_amount"] == 5
        # a reference stays taken, and the day's payout is not made twice
        again = await api.post("/v0.1/checkouts", json=body(
            checkout_reference=paid["checkout_reference"]))
        assert again.status_code == 409
        assert (await api.get(f"/v1.0/merchants/{MERCHANT}/payouts", params={
            "start_date": "2026-11-29", "end_date": "2026-11-29"})).json() == payouts
        twice = await api.post(f"/_standin/merchants/{MERCHANT}/payouts",
                               json={"date": "2026-11-29"})
        assert twice.status_code == 409
        # the pending one can still be paid
        assert (await api.post(f"/v0.1/checkouts/{pending['id']}/simulate",
                               json={"status": "PAID"})).status_code == 200


async def test_without_a_state_file_or_with_one_it_did_not_write_it_starts_empty(
        start_standin, tmp_path):
    async with start_standin(Settings(retry_delays_s=(0.01,))) as (_, api):
        await api.post("/v0.1/checkouts", json=body())
    async with start_standin(Settings(retry_delays_s=(0.01,))) as (_, api):
        assert (await api.get("/v0.1/checkouts")).json() == []
    foreign = tmp_path / "standin.state"
    foreign.write_bytes(b"not the stand-in's memory")
    async with start_standin(Settings(retry_delays_s=(0.01,),
                                      state_file=str(foreign))) as (_, api):
        assert (await api.get("/v0.1/checkouts")).json() == []
        await api.post("/v0.1/checkouts", json=body())
    async with start_standin(Settings(retry_delays_s=(0.01,),
                                      state_file=str(foreign))) as (_, api):
        assert len((await api.get("/v0.1/checkouts")).json()) == 1  # its own, written over
