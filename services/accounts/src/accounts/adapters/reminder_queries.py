"""The statements reminders are read by, and their rows as the domain's records: each customer's
standing (its balance, since when below the threshold, its last reminder and whether its
address was refused) in one statement, and what a letter tells."""

from accounts.adapters.orm import reminders
from accounts.domain.reminders import ReminderRecord, Standing

RECORD = ("reminder_id", "status", "created_at", "email", "balance_cents", "manual",
          "attempts", "claimed_until", "next_attempt_at", "sent_at", "error")
_S = reminders.schema


def _columns(alias: str) -> str:
    return ", ".join(f"{alias}.{c} AS {alias}_{c}" for c in RECORD)


# Since when below: the first movement after the last one that left the balance at or above
# the threshold (the index on (producer, customer, id) serves both, newest first).
_STANDINGS = f"""
    SELECT a.customer_id, a.name, a.email, a.balance_cents,
      (SELECT m.at FROM {_S}.movements m
        WHERE m.producer_id = a.producer_id AND m.customer_id = a.customer_id
          AND m.id > COALESCE((SELECT n.id FROM {_S}.movements n
                                WHERE n.producer_id = a.producer_id
                                  AND n.customer_id = a.customer_id
                                  AND n.balance_after_cents >= :below
                                ORDER BY n.id DESC LIMIT 1), 0)
        ORDER BY m.id LIMIT 1) AS below_since_at,
      {_columns("last")}, {_columns("verdict")}
    FROM {_S}.accounts a
    LEFT JOIN LATERAL (SELECT * FROM {_S}.reminders r
        WHERE r.producer_id = a.producer_id AND r.customer_id = a.customer_id
          AND r.status <> 'cancelled'
        ORDER BY r.created_at DESC LIMIT 1) last ON true
    LEFT JOIN LATERAL (SELECT * FROM {_S}.reminders v
        WHERE v.producer_id = a.producer_id AND v.customer_id = a.customer_id
          AND v.status IN ('sent', 'refused') AND lower(v.email) = lower(a.email)
        ORDER BY v.created_at DESC LIMIT 1) verdict ON true
    WHERE a.producer_id = :producer"""
ONE = _STANDINGS + " AND a.customer_id = :customer FOR UPDATE OF a"
IN_DEBT = _STANDINGS + """
      AND a.balance_cents < :below AND a.email IS NOT NULL AND a.email <> ''
      AND (a.balance_cents, a.customer_id) > (:after_balance, :after_customer)
    ORDER BY a.balance_cents, a.customer_id LIMIT :limit"""
LETTER = f"""
    SELECT a.name, a.email, a.balance_cents, m.at, m.label, m.amount_cents,
           m.balance_after_cents
    FROM {_S}.accounts a
    LEFT JOIN LATERAL (SELECT * FROM {_S}.movements m
        WHERE m.producer_id = a.producer_id AND m.customer_id = a.customer_id
        ORDER BY m.id DESC LIMIT :lines) m ON true
    WHERE a.producer_id = :producer AND a.customer_id = :customer"""


def record_of(row, alias: str) -> ReminderRecord | None:
    if getattr(row, f"{alias}_reminder_id") is None:
        return None
    return ReminderRecord(*(getattr(row, f"{alias}_{c}") for c in RECORD))


def standing_of(row) -> Standing:
    verdict = record_of(row, "verdict")
    return Standing(row.customer_id, row.name, row.email, row.balance_cents, row.below_since_at,
                    record_of(row, "last"),
                    verdict if verdict is not None and verdict.status == "refused" else None)
