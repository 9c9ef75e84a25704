"""Card money reconciled: each SumUp payout is its payments less fees and refunds, and reaches the
bank as one credit; read from SumUp (the stand-in) and reported per payout with the totals."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from ardoise.errors import Conflict
from payments.adapters import sumup_payouts
from payments.adapters.sumup_accounts import SumUpAccount
from payments.adapters.sumup_errors import SumUpError, SumUpUnavailable
from payments.adapters.sumup_payouts import SumUpPayouts
from payments.domain.payouts import (
    BankCredit,
    OnlinePayment,
    PayoutRecord,
    business_days_after,
    match_bank,
    payouts_of,
    reconcile,
)
from payments.domain.settlement import PaymentSettings
from payments.service_layer.payouts import payouts_report
from sumup_standin import Settings, create_app
from sumup_standin.testing import FakeClock

MONDAY = date(2026, 11, 30)
REFERENCE = "SUMUP PID1449450 PAYOUT 301126"
MERCHANT, API_KEY = "MFERME01", "sk_test_ferme"


def record(record_id: int, cents: int, fee: int = 0, type: str = "PAYOUT",
           on: date = MONDAY, reference: str = REFERENCE, status: str = "SUCCESSFUL",
           code: str | None = None) -> PayoutRecord:
    return PayoutRecord(record_id, type, on, reference, "EUR", cents, fee, status,
                        code or f"T{record_id}")


def credit(cents: int, day: date, text: str = f"VIR SEPA {REFERENCE}",
           id: str = "b1") -> BankCredit:
    return BankCredit(id, day, cents, text)


def payment(code: str, cents: int, status: str = "SUCCESSFUL") -> OnlinePayment:
    return OnlinePayment(f"tx-{code}", code, cents, 0, "EUR", status,
                         datetime(2026, 11, 30, 10, tzinfo=UTC))


# The domain


def test_a_payout_is_its_payments_less_fees_refunds_and_chargebacks():
    [payout] = payouts_of([record(1, 2437, 63), record(2, 1511, 39),
                           record(3, 550, type="REFUND_DEDUCTION"),
                           record(4, -200, type="CHARGE_BACK_DEDUCTION")])
    assert (payout.paid_online_cents, payout.fee_cents, payout.refunded_cents,
            payout.deducted_cents, payout.net_cents) == (4050, 102, 550, 200, 3198)


def test_records_are_grouped_into_payouts_by_date_and_reference():
    tuesday = date(2026, 12, 1)
    found = payouts_of([record(3, 100, on=tuesday, reference="SUMUP PAYOUT 011226"),
                        record(1, 200), record(2, 300)])
    assert [(p.payout_date, p.net_cents, len(p.records)) for p in found] == [
        (MONDAY, 500, 2), (tuesday, 100, 1)]


def test_business_days_skip_the_weekend():
    friday = date(2026, 11, 27)
    assert business_days_after(friday, 1) == MONDAY
    assert business_days_after(friday, 3) == date(2026, 12, 2)


@pytest.mark.parametrize("line, found", [
    (credit(3398, MONDAY), True),
    (credit(3398, date(2026, 12, 3), text="VIREMENT SUMUP LTD"), True),  # 3 business days
    (credit(3398, date(2026, 12, 4)), False),  # too late
    (credit(3398, date(2026, 11, 27)), False),  # before the payout
    (credit(3399, MONDAY), False),  # another amount
    (credit(3398, MONDAY, text="VIR SEPA M DUPONT"), False),  # not from SumUp
    (credit(3398, MONDAY, text="sumuppid1449450payout301126"), True),  # squeezed by the bank
])
def test_a_payout_reaches_the_bank_as_one_credit_of_its_amount_soon_after(line, found):
    [payout] = payouts_of([record(1, 3398)])
    assert (payout in match_bank([payout], [line])) is found


def test_each_credit_receives_one_payout_the_one_naming_it_first_else_the_nearest():
    monday, tuesday = payouts_of([record(1, 1000), record(2, 1000, on=date(2026, 12, 1),
                                                            reference="SUMUP PAYOUT 011226")])
    plain = credit(1000, date(2026, 12, 1), "SUMUP", id="plain")
    named = credit(1000, date(2026, 12, 1), "SUMUP PAYOUT 011226", id="named")
    matched = match_bank([monday, tuesday], [plain, named])
    assert (matched[monday].transaction_id, matched[tuesday].transaction_id) == (
        "plain", "named")
    assert match_bank([monday, tuesday], [plain]) == {tuesday: plain}  # the nearer


def test_a_failed_payout_is_not_looked_for_at_the_bank_and_its_payments_wait():
    report = reconcile([record(1, 1000, status="FAILED", code="TA")], [payment("TA", 1000)],
                       [credit(1000, MONDAY)], MONDAY, MONDAY)
    assert [(p.status, found) for p, found in report.payouts] == [("FAILED", None)]
    assert report.totals()["paid_out_cents"] == 0
    assert report.totals()["not_yet_paid_out_cents"] == 1000


def test_payments_no_payout_carried_are_not_paid_out_yet():
    report = reconcile([record(1, 975, 25, code="TA")],
                       [payment("TA", 1000), payment("TB", 1200), payment("TC", 900, "FAILED")],
                       [credit(975, MONDAY)], MONDAY, MONDAY)
    assert [p.transaction_code for p in report.not_paid_out] == ["TB"]
    assert report.totals() == {
        "paid_online_cents": 1000, "refunded_cents": 0, "fees_cents": 25, "deducted_cents": 0,
        "paid_out_cents": 975, "reached_bank_cents": 975, "not_yet_paid_out_cents": 1200}


lines = st.lists(st.tuples(st.sampled_from(["PAYOUT", "REFUND_DEDUCTION",
                                            "CHARGE_BACK_DEDUCTION"]),
                           st.integers(0, 10**6), st.integers(0, 10**4), st.integers(0, 3)),
                 max_size=30)


@given(lines, st.lists(st.tuples(st.integers(-3, 10**6), st.integers(0, 6)), max_size=10))
def test_no_euro_is_created_lost_or_received_twice(drawn, bank):
    records = [record(i, cents, fee, kind, on=date(2026, 11, 23 + day),
                      reference=f"SUMUP PAYOUT {day}")
               for i, (kind, cents, fee, day) in enumerate(drawn)]
    credits = [credit(cents, date(2026, 11, 23 + day), f"SUMUP PAYOUT {day % 4}", id=f"b{i}")
               for i, (cents, day) in enumerate(bank)]
    report = reconcile(records, [], credits, date(2026, 11, 23), date(2026, 11, 26))
    totals = report.totals()
    assert totals["paid_out_cents"] == sum(r.net_cents for r in records)
    assert totals["paid_out_cents"] == (totals["paid_online_cents"] - totals["fees_cents"]
                                        - totals["refunded_cents"] - totals["deducted_cents"])
    received = [found.transaction_id for _, found in report.payouts if found is not None]
    assert len(received) == len(set(received))
    assert all(found.amount_cents == p.net_cents > 0 for p, found in report.payouts if found)


# SumUp's payouts and history, read from the stand-in


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


@pytest_asyncio.fixture
async def standin(clock) -> AsyncIterator:
    app = create_app(Settings(retry_delays_s=(0.01,)), clock=clock)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sumup.test",
            headers={"Authorization": f"Bearer {API_KEY}"}) as control:
        control.app = app
        yield control


def client(standin, merchant: str = MERCHANT) -> SumUpPayouts:
    return SumUpPayouts("http://sumup.test", API_KEY, merchant, backoff_s=0.001,
                        transport=httpx.ASGITransport(app=standin.app))


async def pay(standin, amount: float, description: str = "Commande") -> dict:
    created = await standin.post("/v0.1/checkouts", json={
        "checkout_reference": str(uuid.uuid4()), "amount": amount, "currency": "EUR",
        "merchant_code": MERCHANT, "description": description})
    paid = await standin.post(f"/v0.1/checkouts/{created.json()['id']}/simulate",
                              json={"status": "PAID"})
    return paid.json()


async def refund(standin, paid: dict, amount: float) -> None:
    answer = await standin.post(
        f"/v1.0/merchants/{MERCHANT}/payments/{paid['transaction_id']}/refunds",
        json={"amount": amount})
    assert answer.status_code == 201


async def pay_out(standin, on: date, fee_rate: float = 0.025) -> dict:
    answer = await standin.post(f"/_standin/merchants/{MERCHANT}/payouts",
                                json={"date": on.isoformat(), "fee_rate": fee_rate})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_the_client_reads_payout_records_in_exact_cents(standin):
    claire = await pay(standin, 25.0)
    await pay(standin, 15.5)
    await refund(standin, claire, 5.5)
    made = await pay_out(standin, MONDAY)
    async with client(standin) as sumup:
        records = await sumup.payouts(MONDAY, MONDAY)
    assert [(r.type, r.amount_cents, r.fee_cents) for r in records] == [
        ("PAYOUT", 2437, 63), ("REFUND_DEDUCTION", 550, 0), ("PAYOUT", 1511, 39)]
    assert {(r.reference, r.payout_date) for r in records} == {(made["reference"], MONDAY)}
    assert records[0].transaction_code == claire["transaction_code"]


async def test_a_full_answer_is_asked_again_in_halves(standin, clock, monkeypatch):
    for day in (29, 30):
        await pay(standin, 10.0)
        await pay(standin, 20.0)
        clock.advance(days=1)
        await pay_out(standin, date(2026, 11, day))
    monkeypatch.setattr(sumup_payouts, "MAX_RECORDS", 2)
    async with client(standin) as sumup:
        records = await sumup.payouts(date(2026, 11, 28), MONDAY)
    assert len(records) == 4 and len({r.record_id for r in records}) == 4


async def test_the_client_follows_the_historys_pages(standin, clock, monkeypatch):
    made = []
    for amount in (10.0, 11.0, 12.0, 13.0, 14.0):
        made.append(await pay(standin, amount))
        clock.advance(minutes=5)
    monkeypatch.setattr(sumup_payouts, "HISTORY_PAGE", 2)
    async with client(standin) as sumup:
        payments = await sumup.history(datetime(2026, 11, 28, 9, 5, tzinfo=UTC),
                                       datetime(2026, 11, 28, 9, 20, tzinfo=UTC))
    assert [p.transaction_id for p in payments] == [m["transaction_id"] for m in made[1:4]]
    assert [p.amount_cents for p in payments] == [1100, 1200, 1300]


async def test_sumups_refusals_and_outages_are_told_apart(standin):
    await standin.post("/_standin/faults", json={"fail_next": 1, "status": 502})
    async with client(standin) as sumup:
        assert await sumup.payouts(MONDAY, MONDAY) == []  # retried
    await standin.post("/_standin/faults", json={"fail_next": 10, "status": 503})
    async with client(standin) as sumup:
        with pytest.raises(SumUpUnavailable):
            await sumup.payouts(MONDAY, MONDAY)
    await standin.delete("/_standin/faults")
    await pay(standin, 10.0)  # the key is now the merchant's: another's is refused
    async with client(standin, "MOTHER") as sumup:
        with pytest.raises(SumUpError) as refused:
            await sumup.payouts(MONDAY, MONDAY)
    assert refused.value.status == 403


# The report


class FakeUnitOfWork:
    def __init__(self, account: SumUpAccount | None, bank_rows: list[dict]) -> None:
        self.payments, self.bank = self, self
        self.account, self.rows = account, bank_rows

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info) -> None:
        return None

    async def sumup_account(self, producer_id: str) -> SumUpAccount | None:
        return self.account

    async def settings(self, producer_id: str) -> PaymentSettings:
        return PaymentSettings()

    async def listed(self, producer_id, status, limit, before) -> list[dict]:
        found = sorted((r for r in self.rows if r["booking_date"] < before),
                       key=lambda r: r["booking_date"], reverse=True)
        return found[:limit]


def bank_row(cents: int, day: date, label: str) -> dict:
    return {"transaction_id": uuid.uuid4(), "booking_date": day, "amount_cents": cents,
            "line": {"label": label, "counterparty": "SUMUP LIMITED", "reference": None,
                     "value_date": day.isoformat()}}


async def test_the_producer_sees_every_euro_paid_online_reach_the_bank(standin, clock):
    # Saturday: Claire pays 25,00 €, Jean 15,50 €, and Jean is refunded 5,50 €
    await pay(standin, 25.0, "Commande Claire")
    jean = await pay(standin, 15.5, "Commande Jean")
    await refund(standin, jean, 5.5)
    made = await pay_out(standin, MONDAY)  # 2,5 % of fees
    clock.advance(days=2, hours=3)
    await pay(standin, 12.0, "Commande Marc")  # Monday noon: paid out later
    received = bank_row(3398, date(2026, 12, 1), f"VIR SEPA {made['reference']}")
    uow = FakeUnitOfWork(SumUpAccount(MERCHANT, "sealed"), [
        received, bank_row(3398, date(2026, 12, 1), "VIR M DUPONT")])

    report = await payouts_report("p-ferme", date(2026, 11, 28), MONDAY, uow,
                                  lambda account: client(standin, account.merchant_code))

    [payout] = report["payouts"]
    assert (payout["paid_online_cents"], payout["fee_cents"], payout["refunded_cents"],
            payout["net_cents"]) == (4050, 102, 550, 3398)
    assert payout["bank_transaction_id"] == str(received["transaction_id"])
    assert [(t["type"], t["amount_cents"], t["net_cents"], t["description"])
            for t in payout["transactions"]] == [
        ("PAYOUT", 2500, 2437, "Commande Claire"), ("PAYOUT", 1550, 1511, "Commande Jean"),
        ("REFUND_DEDUCTION", -550, -550, "Commande Jean")]
    assert [p["description"] for p in report["not_paid_out"]] == ["Commande Marc"]
    assert report["totals"] == {
        "paid_online_cents": 4050, "refunded_cents": 550, "fees_cents": 102,
        "deducted_cents": 0, "paid_out_cents": 3398, "reached_bank_cents": 3398,
        "not_yet_paid_out_cents": 1200}


async def test_a_producer_without_a_sumup_account_is_told_so(standin):
    with pytest.raises(Conflict, match="no SumUp account"):
        await payouts_report("p-ferme", MONDAY, MONDAY, FakeUnitOfWork(None, []),
                             lambda account: client(standin))
