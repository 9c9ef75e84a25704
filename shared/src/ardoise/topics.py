"""Kafka topic names, in one place; one topic per aggregate kind, keyed by aggregate id."""

ORDERS = "ardoise.orders.v1"
ACCOUNTS = "ardoise.accounts.v1"
PAYMENTS = "ardoise.payments.v1"

ALL = (ORDERS, ACCOUNTS, PAYMENTS)
PARTITIONS = 4
