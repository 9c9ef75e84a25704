"""Ardoise accounts service: customers, their ledger, balances and holds."""
