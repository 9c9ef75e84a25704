"""`ardoise demo`: the seed walkthrough of online payment, played against the running system."""

import time
import uuid

import httpx

from ardoise.auth import Principal, issue_token
from ardoise.money import format_cents

DEFAULT_URLS = {"orders": "http://127.0.0.1:8001", "accounts": "http://127.0.0.1:8002",
                "payments": "http://127.0.0.1:8003", "sumup": "http://127.0.0.1:8009"}


class Demo:
    def __init__(self, secret: str, urls: dict[str, str], producer_id: str) -> None:
        self.urls, self.producer = urls, producer_id
        self.operator = {"Authorization": "Bearer " + issue_token(
            secret, Principal("operator", producer_id))}
        self.customer = {"Authorization": "Bearer " + issue_token(
            secret, Principal("customer", producer_id, "claire"))}
        self.http = httpx.Client(timeout=10)

    def call(self, method: str, service: str, path: str, headers=None, **kwargs) -> dict:
        answer = self.http.request(method, self.urls[service] + path,
                                   headers=headers or self.operator, **kwargs)
        answer.raise_for_status()
        return answer.json() if answer.content else {}

    def wait(self, probe, accept, what: str, timeout_s: float = 30.0):
        deadline = time.monotonic() + timeout_s
        while not accept(value := probe()):
            if time.monotonic() > deadline:
                raise SystemExit(f"gave up waiting for {what}: {value}")
            time.sleep(0.1)
        return value

    def account(self) -> dict:
        return self.call("GET", "accounts", f"/v1/producers/{self.producer}/customers/claire/account")

    def balance_line(self) -> str:
        a = self.account()
        return (f"balance {format_cents(a['balance_cents'])}, held {format_cents(a['held_cents'])}, "
                f"available {format_cents(a['available_cents'])}")

    def movement(self, direction: str, amount_cents: int, label: str) -> None:
        self.call("POST", "accounts", f"/v1/producers/{self.producer}/customers/claire/movements",
                  json={"direction": direction, "amount_cents": amount_cents, "label": label})

    def order_and_pay(self) -> None:
        placed = self.call("POST", "orders", f"/v1/producers/{self.producer}/orders",
                           headers=self.customer, json={"customer_id": "claire", "lines": [
                               {"label": "Panier de légumes", "quantity": 1,
                                "unit_price_cents": 2000}]})
        path = f"/v1/producers/{self.producer}/orders/{placed['order_id']}"
        order = self.wait(lambda: self.call("GET", "orders", path), lambda o: o["payment"],
                          "the order's payment")
        payment = order["payment"]
        print(f"  order of {format_cents(placed['total_cents'])}: balance applied "
              f"{format_cents(payment['balance_applied_cents'])}")
        if payment["checkout_id"] is None:
            print("  no payment asked: the balance covers the order")
        else:
            print(f"  SumUp is asked for {format_cents(payment['amount_due_cents'])}: "
                  f"{payment['checkout_url']}")
            print(f"  meanwhile: {self.balance_line()}")
            self.call("POST", "sumup", f"/v0.1/checkouts/{payment['checkout_id']}/simulate",
                      headers={"Authorization": "Bearer standin"}, json={"status": "PAID"})
            print("  the customer pays at SumUp")
        order = self.wait(lambda: self.call("GET", "orders", path),
                          lambda o: o["status"] == "accepted"
                          and o["settlement"]["mode"] != "not_delivered", "the settlement")
        self.wait(self.account, lambda a: a["held_cents"] == 0, "the hold to be posted")
        print(f"  order {order['status']}, settlement {order['settlement']['mode']}; "
              f"{self.balance_line()}")

    def run(self) -> None:
        print(f"producer {self.producer}, customer claire")
        self.call("PUT", "accounts", f"/v1/producers/{self.producer}/customers/claire",
                  json={"name": "Claire Martin"})
        self.call("PUT", "payments", f"/v1/producers/{self.producer}/settings", json={
            "payment_tracking": True, "online_payment_required": True,
            "accepted_modes": ["account", "cash", "cheque", "card", "transfer", "online"],
            # the producer's own SumUp account (the stand-in takes any key)
            "sumup_merchant_code": "MDEMO001", "sumup_api_key": "sk_test_demo_standin"})
        # the accounts and orders services hear of the settings through an event
        for service, path in (("accounts", "customers?limit=1&count=false"),
                              ("orders", "orders?limit=1")):
            self.wait(lambda: self.call("GET", service, f"/v1/producers/{self.producer}/{path}"),
                      lambda page: page["payment_tracking"], f"{service} to hear the settings")
        print("\n1. Claire has 5,00 € of credit and orders for 20,00 €")
        self.movement("credit", 500, "Avoir")
        self.order_and_pay()
        print("\n2. The producer records a debit of 5,00 €; Claire orders for 20,00 €")
        self.movement("debit", 500, "Oubli de la semaine dernière")
        self.order_and_pay()
        print("\n3. The producer records a credit of 50,00 €; Claire orders for 20,00 €")
        self.movement("credit", 5000, "Avance par virement")
        self.order_and_pay()


def run_demo(secret: str, urls: dict[str, str] | None = None) -> None:
    Demo(secret, {**DEFAULT_URLS, **(urls or {})}, f"demo-{uuid.uuid4().hex[:6]}").run()
