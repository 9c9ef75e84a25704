"""What the refund form says of the payments gateway's answer, in French. No I/O."""

import pytest

from web.gateways import Refused
from web.pages.refunds import refund_problem, refund_said


def test_a_refund_done_asked_or_replayed_says_which():
    assert refund_said({"amount_cents": 1000, "status": "refunded"}, False).startswith(
        "Remboursement en ligne de 10,00 € effectué par SumUp")
    assert "pas encore répondu" in refund_said({"amount_cents": 1000, "status": "requested"},
                                               False)
    assert refund_said({"amount_cents": 1000, "status": "refunded"}, True) == \
        "Ce remboursement de 10,00 € était déjà fait : rien de plus n'est rendu."
    assert refund_said({"amount_cents": 1000, "status": "failed"}, True) == \
        "Le remboursement de 10,00 € a échoué chez SumUp : rien n'a été rendu."


@pytest.mark.parametrize(("detail", "said"), [
    ("nothing paid online for this order is left to refund", "Rien de ce qui a été payé"),
    ("at most 1500 cents paid online for this order can be refunded", "Ce montant dépasse"),
    ("one refund goes back through one SumUp payment: at most 500 cents at once",
     "un seul paiement SumUp"),
    ("SumUp refused the refund: Insufficient balance",
     "SumUp a refusé le remboursement : Insufficient balance."),
    ("Idempotency-Key already used with another request", "a déjà servi"),
    ("something else", "Rien n'a été remboursé : something else")])
def test_a_refund_refused_says_why_in_french(detail, said):
    problem = refund_problem(Refused("payments", 409, detail))
    assert problem.startswith("Rien n'a été remboursé") and said in problem
