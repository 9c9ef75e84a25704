"""Who changed the producer's invoicing settings, and when (issue #23), through the orders
gateway on the real PostgreSQL: null until an operator does, then the operator's name."""

from ardoise.auth import Principal


async def test_the_invoicing_settings_keep_who_changed_them_and_when(gateway, producer_id):
    lea = gateway(Principal("operator", producer_id, person="op-1", name="Léa Martin"))
    path = f"/v1/producers/{producer_id}/invoicing"
    before = (await lea.get(path)).json()
    assert (before["changed_by"], before["changed_at"]) == (None, None)
    put = await lea.put(path, json={"legal_name": "Ferme des Saules"})
    assert put.status_code == 200, put.text
    assert (put.json()["legal_name"], put.json()["changed_by"]) == ("Ferme des Saules",
                                                                    "Léa Martin")
    assert put.json()["changed_at"] is not None
    assert (await lea.get(path)).json() == put.json()
    again = (await gateway(Principal("operator", producer_id, person="op-2")).put(
        path, json={"phone": "02 41 00 00 00"})).json()
    assert (again["legal_name"], again["changed_by"]) == ("Ferme des Saules", "op-2")
