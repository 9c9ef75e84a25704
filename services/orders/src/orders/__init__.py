"""Ardoise orders service: orders, invoices and receipts."""
